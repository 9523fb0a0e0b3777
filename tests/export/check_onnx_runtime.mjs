// Runs Torchwright's ONNX files in ONNX Runtime (onnxruntime-node, an independent runtime) and
// compares the outputs with the engine's.
//
// Usage: node check_onnx_runtime.mjs ORT_PACKAGE_DIR CASES.json
// CASES.json lists {"name", "onnx", "input", "expected", "tolerance"} with .npy files. Each model
// runs on the whole batch and on its first sample alone (the batch dimension must be dynamic).
// Prints one JSON line per check; exits 1 when any fails.
import fs from 'node:fs';
import { createRequire } from 'node:module';

const [ortDir, casesFile] = process.argv.slice(2);
const ort = createRequire(import.meta.url)(ortDir);

function readNpy(path) {
  const buf = fs.readFileSync(path);
  if (buf.toString('latin1', 1, 6) !== 'NUMPY') throw new Error(`${path}: not a .npy file`);
  const major = buf[6];
  const headerLen = major === 1 ? buf.readUInt16LE(8) : buf.readUInt32LE(8);
  const start = major === 1 ? 10 : 12;
  const header = buf.toString('latin1', start, start + headerLen);
  const descr = /'descr':\s*'([^']+)'/.exec(header)[1];
  const dims = /'shape':\s*\(([^)]*)\)/.exec(header)[1].split(',').map(s => s.trim()).filter(s => s).map(Number);
  const body = buf.subarray(start + headerLen);
  const bytes = new Uint8Array(body.length);
  bytes.set(body); // aligned copy
  if (descr === '<f4') return { type: 'float32', dims, data: new Float32Array(bytes.buffer) };
  if (descr === '<i8') return { type: 'int64', dims, data: new BigInt64Array(bytes.buffer) };
  throw new Error(`${path}: unsupported dtype ${descr}`);
}

function maxDiff(a, b) {
  let m = 0;
  for (let i = 0; i < a.length; ++i) m = Math.max(m, Math.abs(a[i] - b[i]));
  return m;
}

const cases = JSON.parse(fs.readFileSync(casesFile, 'utf8'));
let failed = 0;
for (const c of cases) {
  if (!c.onnx) continue;
  const report = (check, ok, detail) => {
    failed += ok ? 0 : 1;
    console.log(JSON.stringify({ case: c.name, check, ok, detail }));
  };
  try {
    const session = await ort.InferenceSession.create(c.onnx);
    const x = readNpy(c.input);
    const expected = readNpy(c.expected);
    const n = x.dims[0];
    const per = x.data.length / n;
    const perOut = expected.data.length / n;
    const runs = [
      ['onnxruntime batch', x.data, x.dims, expected.data],
      ['onnxruntime one sample', x.data.slice(0, per), [1, ...x.dims.slice(1)], expected.data.slice(0, perOut)],
    ];
    for (const [check, data, dims, want] of runs) {
      const out = (await session.run({ input: new ort.Tensor(x.type, data, dims) })).logits;
      const shapeOk = JSON.stringify(out.dims) === JSON.stringify([dims[0], ...expected.dims.slice(1)]);
      const d = shapeOk ? maxDiff(out.data, want) : Infinity;
      const tol = c.onnx_tolerance ?? c.tolerance;
      report(check, shapeOk && d <= tol,
             shapeOk ? `max abs difference ${d.toExponential(3)} (tolerance ${tol})`
                     : `output shape [${out.dims}], engine [${expected.dims}]`);
    }
  } catch (e) {
    report('onnxruntime', false, String(e && e.message || e));
  }
}
process.exit(failed ? 1 : 0);
