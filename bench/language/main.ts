// bench/language: what a user feels while editing config.json, for Berth's
// language server and, side by side, for vscode-json-languageservice with the
// official schema (VS Code's JSON support). Figures, each the median (and
// p90) of many runs after warm-up, on runc's default config and on a
// generated 2,000-line config:
//   - diagnostics after an edit: in-process for both (parse + validate), and
//     for Berth also end to end over LSP (didChange → publishDiagnostics)
//   - completion and hover latency, same split.
// Run: npx tsx bench/language/main.ts [--runs N]
import { TextDocument } from 'vscode-languageserver-textdocument';
import { complete } from '../../extension/server/completion';
import { diagnose } from '../../extension/server/diagnostics';
import { hover } from '../../extension/server/hover';
import { LspClient } from '../../test/language/lsp-client';
import { referenceMissing } from '../../test/language/reference';
import { large, runcDefault } from './documents';
import { peerService } from './peer';

const RUNS = Number(process.argv[process.argv.indexOf('--runs') + 1]) || 300;

interface Stat { median: number; p90: number }
const stat = (xs: number[]): Stat => {
  const s = [...xs].sort((a, b) => a - b);
  return { median: s[Math.floor(s.length / 2)], p90: s[Math.floor(s.length * 0.9)] };
};
const now = () => performance.now();

type Op = () => unknown | Promise<unknown>;

/**
 * Times several operations run in turn, so that GC and JIT noise falls on all
 * of them alike. Each sample is `batch` calls divided by `batch`: in-process
 * operations take tens of microseconds, near the timer's and the GC's grain.
 */
async function timeInTurn(batch: number, ...ops: Op[]): Promise<Stat[]> {
  for (let i = 0; i < 5; i++) for (const f of ops) await f();
  const xs: number[][] = ops.map(() => []);
  for (let i = 0; i < RUNS; i++) {
    for (const [k, f] of ops.entries()) {
      const t = now();
      for (let j = 0; j < batch; j++) await f();
      xs[k].push((now() - t) / batch);
    }
  }
  return xs.map(stat);
}

const IN_PROCESS_BATCH = 10;

/** The edit: flip process.terminal, so each run validates a changed text. */
const flip = (text: string, on: boolean) => text.replace(/"terminal": (true|false)/, `"terminal": ${on}`);

async function benchDocument(name: string, text: string, client: LspClient) {
  const lines = text.split('\n').length;
  const uri = `file:///nonexistent/bench-${name}/config.json`;
  // Diagnostics are measured on the valid text; completion and hover on a copy with an empty key
  // being typed in process (key completion) and on the noNewPrivileges key (hover).
  const withKey = text.replace('"terminal": true,', '"terminal": true,\n\t\t"",');
  const keyPos = TextDocument.create(uri, 'json', 0, withKey).positionAt(withKey.indexOf('"",') + 1);
  const hoverPos = TextDocument.create(uri, 'json', 0, withKey).positionAt(withKey.indexOf('"noNewPrivileges"') + 3);

  let v = 0;
  const doc = (t: string) => TextDocument.create(uri, 'oci-config', ++v, t);
  const ls = peerService();
  const peerDoc = (t: string) => TextDocument.create(uri, 'json', ++v, t);
  // The peer must really be validating against the official schema: a wrong type has to be reported.
  const wrong = peerDoc(text.replace(/"terminal": (true|false)/, '"terminal": "yes"'));
  const peerFound = await ls.doValidation(wrong, ls.parseJSONDocument(wrong));
  if (!peerFound.some((d) => /boolean/i.test(d.message))) throw new Error(`the peer did not validate against the official schema: ${JSON.stringify(peerFound)}`);

  // In process, in turn: Berth's server functions and the peer's, each on a fresh document version.
  const [berthDiag, peerDiag] = await timeInTurn(IN_PROCESS_BATCH,
    () => diagnose(doc(flip(text, v % 2 === 0)), { host: true }),
    async () => { const d = peerDoc(flip(text, v % 2 === 0)); return ls.doValidation(d, ls.parseJSONDocument(d)); },
  );
  const keyDoc = doc(withKey);
  const pk = peerDoc(withKey);
  const pj = ls.parseJSONDocument(pk);
  const [berthComplete, peerComplete] = await timeInTurn(IN_PROCESS_BATCH, () => complete(keyDoc, keyPos), () => ls.doComplete(pk, keyPos, pj));
  const [berthHover, peerHover] = await timeInTurn(IN_PROCESS_BATCH, () => hover(keyDoc, hoverPos), () => ls.doHover(pk, hoverPos, pj));

  // Berth over LSP: the same through the real server process and JSON-RPC.
  await client.open(uri, text);
  let on = false;
  const [lspDiag] = await timeInTurn(1, () => client.change(uri, flip(text, (on = !on))));
  await client.change(uri, withKey);
  const [lspComplete] = await timeInTurn(1, () => client.completion(uri, keyPos));
  const [lspHover] = await timeInTurn(1, () => client.hover(uri, hoverPos));

  const diagCount = diagnose(doc(text), { host: true }).length;
  // What each side answers, so that a fast empty answer is not mistaken for a fast good one.
  const answers = {
    berthCompletion: complete(keyDoc, keyPos).length,
    peerCompletion: (await ls.doComplete(pk, keyPos, pj))?.items.length ?? 0,
    berthHover: (hover(keyDoc, hoverPos)?.contents as { value?: string } | undefined)?.value?.length ?? 0,
    peerHover: JSON.stringify((await ls.doHover(pk, hoverPos, pj))?.contents ?? '').length,
  };
  return { name, lines, diagCount, answers, rows: [
    ['diagnostics after edit', berthDiag, lspDiag, peerDiag],
    ['completion', berthComplete, lspComplete, peerComplete],
    ['hover', berthHover, lspHover, peerHover],
  ] as [string, Stat, Stat, Stat][] };
}

const fmt = (s: Stat) => `${s.median.toFixed(2).padStart(7)} (${s.p90.toFixed(2).padStart(6)})`;

async function main() {
  const missing = referenceMissing();
  if (missing) throw new Error(missing);
  const client = await LspClient.start({ host: true });
  try {
    const results = [await benchDocument('runc-default', runcDefault(), client), await benchDocument('generated', large(2000), client)];
    console.log(`bench/language: ms, median (p90) of ${RUNS} samples after 5 warm-up (in-process samples: mean of ${IN_PROCESS_BATCH} calls); node ${process.version}`);
    let ok = true;
    for (const r of results) {
      console.log(`\n${r.name}: ${r.lines} lines (Berth reports ${r.diagCount} diagnostics on it)`);
      const a = r.answers;
      console.log(`answers: completion items berth ${a.berthCompletion} / peer ${a.peerCompletion}; hover text chars berth ${a.berthHover} / peer ${a.peerHover}`);
      console.log(`${'figure'.padEnd(24)} ${'berth in-process'.padStart(16)}  ${'berth over LSP'.padStart(16)}  ${'json-languageservice'.padStart(20)}  faster?`);
      for (const [label, b, l, p] of r.rows) {
        const faster = b.median < p.median;
        ok &&= faster;
        console.log(`${label.padEnd(24)} ${fmt(b).padStart(16)}  ${fmt(l).padStart(16)}  ${fmt(p).padStart(20)}  ${faster ? 'yes' : 'NO'} (${(p.median / b.median).toFixed(1)}x)`);
      }
    }
    const big = results[1].rows[0];
    console.log(`\ntarget: diagnostics for the ${results[1].lines}-line file under 50 ms median: in-process ${big[1].median.toFixed(1)} ms, over LSP ${big[2].median.toFixed(1)} ms -> ${big[2].median < 50 ? 'met' : 'MISSED'}`);
    console.log(`target: faster than the peer on every figure (in-process vs in-process): ${ok ? 'met' : 'MISSED'}`);
  } finally {
    await client.close();
  }
}

void main();
