// The reads moved into the store; this path stays for the modules still being rewritten (run-prompts, record-answer).
export { ACTION_CARD_INCLUDE, answeringFor, canAnswer, findPersonActions, type CardAction } from "../store/find-person-actions.js";
