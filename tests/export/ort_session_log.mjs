// Opens a model in ONNX Runtime with its verbose log on and runs one batch of zeros, so a test
// can read which graph rewrites ONNX Runtime applied: each fusion of a QDQ group into an
// integer kernel (QLinearConv, QGemm, QLinearMatMul...) is logged as "Matched <operator>", and
// the session's final node count as "Number of nodes: N". (onnxruntime-node has no
// optimizedModelFilePath option to write the optimised model out.)
//
// Usage: node ort_session_log.mjs ORT_PACKAGE_DIR MODEL.onnx '[sample shape]'
// The log goes to stderr; the last line on stdout is {"ok": true} or {"ok": false, "error"}.
import { createRequire } from 'node:module';

const [ortDir, model, shapeText] = process.argv.slice(2);
const ort = createRequire(import.meta.url)(ortDir);
try {
  const session = await ort.InferenceSession.create(model, { logSeverityLevel: 0, logVerbosityLevel: 0 });
  const shape = JSON.parse(shapeText);
  const n = shape.reduce((a, b) => a * b, 2);
  await session.run({ input: new ort.Tensor('float32', new Float32Array(n), [2, ...shape]) });
  console.log(JSON.stringify({ ok: true }));
} catch (e) {
  console.log(JSON.stringify({ ok: false, error: String(e && e.message || e) }));
  process.exit(1);
}
