// Runs xlkopi's worksheet functions in Pyodide under node, as xlwings Lite runs them in Excel.
//
//   node pyodide_call.mjs <pyodide folder> <request.json>
//
// request.json: {"wheels": [paths of .whl files], "calls": [Office.js request bodies]}. Only the given
// wheels are installed (unpacked into site-packages: no micropip, no network), so a dependency that
// is missing or compiled fails the import. The calls run through officejs_calls.py, the same code
// the CPython side runs; its JSON result is printed.
import { readFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";

const here = path.dirname(fileURLToPath(import.meta.url));
const [pyodideDir, requestPath] = process.argv.slice(2);
const { loadPyodide } = await import(path.join(path.resolve(pyodideDir), "pyodide.mjs"));
const request = JSON.parse(readFileSync(requestPath, "utf8"));

const pyodide = await loadPyodide({ indexURL: path.resolve(pyodideDir) + "/" });
for (const wheel of request.wheels) {
  pyodide.unpackArchive(new Uint8Array(readFileSync(wheel)), "wheel");
}
await pyodide.runPythonAsync(readFileSync(path.join(here, "officejs_calls.py"), "utf8"));
pyodide.globals.set("request_json", JSON.stringify(request.calls));
process.stdout.write(await pyodide.runPythonAsync("await run(request_json)"));
