import { writeFile } from "node:fs/promises";
import { parseArgs } from "node:util";
import type { CliIo } from "./cli.js";
import type { Config } from "./config/load-config.js";
import { ChaserError } from "./domain/chaser-error.js";
import { translator } from "./i18n.js";
import { openStore } from "./store/open-store.js";
import { erasePerson, exportPersonData, findPersonForData } from "./store/person-data.js";

/**
 * `chaser person export (--email EMAIL | --id ID) [--out FILE]` and
 * `chaser person erase (--email EMAIL | --id ID) --yes`: a person's data, for a subject access
 * request, and its erasure, keeping their answers in the plan's history under an anonymous label.
 */
export async function personCommand(argv: string[], config: Config, io: CliIo): Promise<number> {
  const t = translator(config.locale);
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: { email: { type: "string" }, id: { type: "string" }, out: { type: "string" }, yes: { type: "boolean" } },
  });
  const [verb] = positionals;
  if ((verb !== "export" && verb !== "erase") || positionals.length !== 1 || (!values.email && !values.id)) throw new ChaserError("cli.person_usage");
  const store = await openStore(config.database);
  try {
    const found = await findPersonForData(store, { email: values.email, id: values.id });
    if (!found) throw new ChaserError("person_data.not_found", { who: values.email ?? values.id ?? "" });
    if (verb === "export") {
      const data = await exportPersonData(store, found.id);
      const json = JSON.stringify(data, null, 2);
      if (values.out) {
        await writeFile(values.out, json + "\n");
        io.out(t("cli.person_exported", { file: values.out }));
      } else io.out(json);
      return 0;
    }
    if (!values.yes) {
      io.err(t("cli.person_erase_confirm", { name: found.name }));
      return 2;
    }
    const label = t("cli.person_erased_label", { id: found.id.slice(-6) });
    const erased = await erasePerson(store, found.id, { label: "cli", personId: null, via: "cli" }, label, io.now());
    io.out(t("cli.person_erased", { label, count: erased?.answersKept ?? 0 }));
    return 0;
  } finally {
    await store.close();
  }
}
