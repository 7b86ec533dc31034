// Prints the README configuration table from config/env.ts, so the docs cannot drift from the schema.
import { envDocs } from "../../config/env.ts";

const rows = Object.entries(envDocs).map(([name, text]) => `| \`${name}\` | ${text.replace(/\|/g, "\\|")} |`);
process.stdout.write(rows.join("\n") + "\n");
