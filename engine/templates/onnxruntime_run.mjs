// Runs an ONNX model in ONNX Runtime for Torchwright's engine (engine/src/onnxruntimerunner.cpp),
// which writes this file to a temporary folder and starts it as an independent process.
//
// Usage: node onnxruntime_run.mjs ORT_PACKAGE_DIR REQUEST.json
// REQUEST: {"onnx", "input" (.npy, float32 or int64, [N, ...]), "output" (.npy to write, or ""),
//           "latency_batches": [1, 64], "repeats": 30, "threads": 0, "result" (.json to write)}
// The result: {"version", "input_name", "output_name", "latency_ms": {"1": median, ...}}.
import fs from 'node:fs';
import { createRequire } from 'node:module';

const [ortDir, requestFile] = process.argv.slice(2);
const ort = createRequire(import.meta.url)(ortDir);
const request = JSON.parse(fs.readFileSync(requestFile, 'utf8'));

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

function writeNpy(path, data, dims) {
  let header = `{'descr': '<f4', 'fortran_order': False, 'shape': (${dims.join(', ')}${dims.length === 1 ? ',' : ''}), }`;
  const total = 10 + header.length + 1;
  header += ' '.repeat((64 - (total % 64)) % 64) + '\n';
  const head = Buffer.alloc(10);
  head.write('\x93NUMPY', 0, 'latin1');
  head[6] = 1;
  head[7] = 0;
  head.writeUInt16LE(header.length, 8);
  fs.writeFileSync(path, Buffer.concat([head, Buffer.from(header, 'latin1'),
    Buffer.from(data.buffer, data.byteOffset, data.byteLength)]));
}

const options = { graphOptimizationLevel: 'all', executionMode: 'sequential' };
if (request.threads > 0) {
  options.intraOpNumThreads = request.threads;
  options.interOpNumThreads = 1;
}
const session = await ort.InferenceSession.create(request.onnx, options);
const inputName = session.inputNames[0];
const outputName = session.outputNames[0];
const x = readNpy(request.input);
const n = x.dims[0];
const per = n ? x.data.length / n : 0;
const Typed = x.type === 'int64' ? BigInt64Array : Float32Array;

// The first `b` samples, repeated when the file holds fewer.
function batch(b, from = 0) {
  const data = new Typed(b * per);
  for (let i = 0; i < b; ++i) {
    const s = (from + i) % n;
    data.set(x.data.subarray(s * per, (s + 1) * per), i * per);
  }
  return new ort.Tensor(x.type, data, [b, ...x.dims.slice(1)]);
}

if (request.output) {
  const chunk = 256;
  let out = null, outDims = null;
  for (let begin = 0; begin < n; begin += chunk) {
    const b = Math.min(chunk, n - begin);
    const y = (await session.run({ [inputName]: batch(b, begin) }))[outputName];
    if (!out) {
      outDims = [n, ...y.dims.slice(1)];
      out = new Float32Array(n * (y.data.length / b));
    }
    out.set(y.data, begin * (y.data.length / b));
  }
  writeNpy(request.output, out ?? new Float32Array(0), outDims ?? [0]);
}

const latency = {};
for (const b of request.latency_batches ?? []) {
  const input = batch(b);
  for (let i = 0; i < 5; ++i) await session.run({ [inputName]: input });
  const times = [];
  for (let i = 0; i < (request.repeats ?? 30); ++i) {
    const t0 = process.hrtime.bigint();
    await session.run({ [inputName]: input });
    times.push(Number(process.hrtime.bigint() - t0) / 1e6);
  }
  times.sort((a, b) => a - b);
  const m = times.length >> 1;
  latency[b] = times.length % 2 ? times[m] : (times[m - 1] + times[m]) / 2;
}
const version = JSON.parse(fs.readFileSync(`${ortDir}/package.json`, 'utf8')).version;
fs.writeFileSync(request.result, JSON.stringify({ version, input_name: inputName, output_name: outputName,
  latency_ms: latency }));
