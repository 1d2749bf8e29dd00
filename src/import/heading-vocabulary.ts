import type { ColumnRole } from "./match-columns.js";

/**
 * Column headings seen in published action plans and trackers: councils' committee papers and
 * Annual Governance Statements, NHS trusts' CQC and board action plans, fire and rescue and police
 * services' HMICFRS improvement plans, audit follow-ups, Ofsted and regulators' "must do / should do"
 * trackers. Compared after normaliseHeader (case, punctuation, plurals and bracketed asides ignored),
 * so "Lead Officer(s)" and "ACTIONS" need no entries of their own.
 */
export const HEADINGS: Record<ColumnRole, string[]> = {
  body: [
    "review report", "report", "source", "raised by", "review", "auditor", "source of recommendation",
    "recommendation source", "origin", "inspection", "inspectorate", "regulator", "audit", "audit report",
    "report title", "review body", "made by", "recommended by", "source document", "report name",
  ],
  kloeRef: ["kloe ref", "kloe", "kloe reference", "kloe no", "key line of enquiry", "key line of enquiry ref"],
  theme: [
    "theme", "strand", "workstream", "work stream", "section", "area", "category", "priority area", "domain",
    "topic", "service area", "programme", "project", "pillar", "heading", "area of focus", "focus area",
    "improvement theme", "strategic theme", "strategic priority", "priority theme", "directorate", "portfolio",
    "service", "function", "core service", "subject", "cqc domain", "hmicfrs pillar", "pillar area",
  ],
  recRef: [
    "item", "no", "ref", "reference", "number", "rec ref", "rec no", "recommendation ref", "recommendation no",
    "recommendation number", "recommendation id", "recommendation reference", "id", "item no", "item number",
    "ref no", "reference no", "reference number", "ref number", "finding ref", "finding no", "finding number",
    "issue no", "issue ref", "issue number", "para", "paragraph", "para ref", "paragraph ref", "paragraph no",
    "r no", "s no", "serial", "serial no", "line", "line no", "report ref", "priority no", "afi ref",
    "afi no", "requirement ref", "must do ref", "risk ref", "rec", "recommendation and ref",
  ],
  recommendation: [
    "recommendation", "select committee recommendation", "governance issue", "issue", "finding",
    "area for improvement", "audit recommendation", "recommendation made", "recommendation detail",
    "recommendation text", "issue identified", "audit finding", "key finding", "afi", "improvement area", "afis",
    "area for development", "must do", "should do", "must do should do", "requirement", "requirement notice",
    "regulation", "regulatory requirement", "breach", "concern", "cause of concern", "observation",
    "weakness", "control weakness", "what we found", "what need to improve", "what needs to improve",
    "you said", "problem", "challenge", "objective", "aim", "goal", "lesson learned", "lesson", "learning",
    "learning point", "improvement required", "improvement needed", "inspection finding",
    "hmicfrs recommendation", "cqc finding", "ofsted recommendation", "recommendation and priority",
    "gap", "risk identified", "weakness identified", "area of concern", "recommendation summary",
  ],
  keyIssues: ["key issues", "context", "background", "risk", "rationale", "reason", "why", "detail of issue", "current situation", "description of issue"],
  action: [
    "action", "activity", "proposed actions", "proposed action", "agreed action", "management action",
    "milestone", "incorporation within improvement plan", "action to be taken", "actions to be taken",
    "action required", "planned action", "what we will do", "we will", "what will be done",
    "how will we do it", "how", "step", "task", "action description", "description", "detail of action",
    "action detail", "intervention", "improvement action", "deliverable", "key action", "key task",
    "action agreed", "mitigating action", "mitigation", "corrective action", "action plan",
    "what action will be taken", "action proposed", "specific action", "actions and milestones",
    "action planned", "remedial action", "recommended action", "management response and action",
    "what are we going to do", "how we will address this", "action point", "action item",
  ],
  actionRef: [
    "action ref", "action no", "action number", "action id", "action reference", "task ref", "task no",
    "task number", "sub ref", "milestone ref", "milestone no", "action code",
  ],
  owner: [
    "lead officer", "responsible owner", "responsible", "owner", "lead", "responsible officer", "action owner",
    "officer", "assigned to", "assignee", "by whom", "by who", "who", "who by", "who will do it",
    "who is responsible", "who will lead", "person responsible", "officer responsible", "manager responsible",
    "responsible person", "responsible manager", "responsible lead", "responsible team", "responsibility",
    "named lead", "named officer", "named person", "action lead", "lead person", "lead manager",
    "lead responsible officer", "delivery lead", "lead service", "service lead", "lead department",
    "lead team", "lead organisation", "lead agency", "lead partner", "implementation lead", "owned by",
    "task owner", "milestone owner", "lead contact", "contact", "operational lead", "responsible service",
    "responsible department", "responsible directorate", "lead and support", "lead officer and team",
    "officer lead", "owner name", "action by", "to be actioned by", "actioned by", "delivered by",
    "lead for action", "lead responsible", "lead role", "department", "team",
  ],
  accountable: [
    "accountable", "accountable officer", "sponsor", "accountable director", "accountable person",
    "accountable lead", "accountable executive", "executive lead", "exec lead", "executive sponsor",
    "senior responsible officer", "senior responsible owner", "sro", "lead director", "director lead",
    "responsible director", "lead executive", "executive director", "portfolio holder", "cabinet member",
    "lead member", "board lead", "strategic lead", "chief officer lead", "executive owner", "senior lead",
    "accountable manager", "director responsible", "lead chief officer", "corporate director",
    "accountable body", "accountable owner",
  ],
  target: [
    "target start", "timescales", "timescale", "target date", "target", "due date", "deadline", "completion date",
    "by when", "due", "revised target date", "revised target", "current target", "target completion date",
    "date for completion", "date to be completed", "expected completion date", "expected completion",
    "planned completion date", "planned completion", "planned date", "due by", "date due", "deadline date",
    "when", "timeframe", "time frame", "timeline", "date", "end date", "finish date", "completion by",
    "implementation date", "target implementation date", "agreed date", "agreed implementation date",
    "revised date", "revised deadline", "revised due date", "new target date", "new deadline",
    "date to be implemented", "delivery date", "milestone date", "target end date", "complete by",
    "to be completed by", "completion target", "target timescale", "timescale for completion",
    "implementation timescale", "by when date", "when by", "target quarter", "quarter", "month", "deadline for completion",
  ],
  originalTarget: [
    "original target", "original target date", "original deadline", "original due date", "original completion date",
    "baseline date", "initial target date", "original timescale", "first target date",
  ],
  status: [
    "status", "progress status", "current status", "action status", "overall status", "completion status",
    "status of action", "implementation status", "delivery status", "state", "open closed", "stage",
    "complete y n", "completed y n", "implemented", "status open closed", "recommendation status",
    "progress against action", "position status",
  ],
  rag: [
    "rag", "rag rating", "rag status", "risk rating", "rating", "brag", "brag rating", "brag status", "bra g",
    "rag rated", "rag assessment", "assurance rating", "confidence rating", "red amber green", "traffic light",
    "rag score", "delivery confidence", "rag progress", "progress rag", "status rag", "rag rating current",
    "current rag", "rag status current", "overall rag", "rag this period", "rag rating and direction",
  ],
  progress: [
    "progress to date", "status update", "response", "progress", "update", "comments", "commentary",
    "progress update", "management response", "position", "current position", "latest update", "progress made",
    "progress note", "progress comment", "narrative", "update on progress", "progress report",
    "action taken", "actions taken to date", "work done", "work to date", "position statement", "monthly update",
    "quarterly update", "officer comment", "lead officer comment", "remark", "latest position", "progress narrative",
    "update since last report", "progress since last report", "progress this period", "what we have done",
    "we did", "summary of progress", "progress against milestone", "comment on progress", "update provided",
    "officer update", "council response", "trust response", "service response", "response and progress",
  ],
  impact: [
    "assessment of impact", "impact", "outcomes", "outcome", "evidence", "outcomes achieved", "success measure",
    "measure of success", "success criteria", "how will we know", "how will we know it has worked",
    "evidence of completion", "evidence of impact", "expected outcome", "desired outcome", "intended outcome",
    "kpi", "kpis", "measure", "performance measure", "assurance", "evidence of progress", "monitoring",
    "evidence of assurance", "assurance evidence", "evidence required", "sources of assurance",
    "how will success be measured", "measurable outcome", "impact measure", "what difference will it make",
  ],
  changeControl: ["ip change control", "change control", "change request", "exception"],
  notes: [
    "queries", "notes", "note", "other", "additional information", "further information", "priority",
    "resources", "resource", "resource implication", "cost", "budget", "funding", "dependency", "link to",
    "links", "related", "risk to delivery", "barrier", "issues and risk", "governance", "reporting to",
    "oversight", "monitored by", "forum", "assurance route", "reporting route", "board",
  ],
};

/**
 * Cue words for headings the vocabulary does not list, tried in order on a short normalised
 * heading. Owners are asked of "by whom", dates come "due" or "by when".
 */
export const HEADING_CUES: [RegExp, ColumnRole][] = [
  [/\boriginal\b.*\b(?:date|target|deadline|timescale)\b/, "originalTarget"],
  [/\baccountab|\bsponsor\b|\bsro\b|\bexec(?:utive)? lead\b|\bportfolio holder\b/, "accountable"],
  [/\bby whom\b|\bwho\b|\bassigned\b|\bowner\b|\bresponsib|\bofficer\b|\bactioned by\b/, "owner"],
  [/\bb?rag\b|\btraffic light\b/, "rag"],
  [/\bdeadline\b|\bdue\b|\bby when\b|\btimescale\b|\btimeframe\b|\btarget\b|\bcompletion date\b|\bdate\b|\bwhen\b/, "target"],
  [/\bstatu/, "status"],
  [/\bprogress\b|\bupdate\b|\bcomment|\bcommentary\b|\bresponse\b|\bposition\b/, "progress"],
  [/^(?:\w+ )?(?:ref|reference|no|number|id)$/, "recRef"],
  [/\brecommendation\b|\bfinding\b|\bmust do\b|\bshould do\b|\barea for improvement\b/, "recommendation"],
  [/\baction\b|\btask\b|\bactivity\b|\bmilestone\b|\bwe will\b/, "action"],
  [/\blead\b/, "owner"],
  [/\bevidence\b|\boutcome\b|\bimpact\b|\bmeasure\b|\bassurance\b/, "impact"],
  [/\btheme\b|\bworkstream\b|\bstrand\b|\bpillar\b|\bdomain\b/, "theme"],
  [/\bnote\b|\bquer(?:y|ie)\b/, "notes"],
];
