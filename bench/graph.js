// TF.js (Node) side of bench/graph.py: warm latency of graph models on the wasm and cpu backends.
//
//   node bench/graph.js REQUEST.json   -> prints {"tfjs", "ms": {backend: {model: median ms}}} as JSON
//
// REQUEST: {"repeat": N, "backends": ["wasm", "cpu"],
//           "models": [{"name", "model": "/path/model.json", "inputs": {node: "/path/x.npy"}, "outputs": [...]}]}
// Each model runs twice to warm up, then N timed runs (inference + reading every output back, as a caller
// would); the median is reported. A model that fails on a backend gets null and a line on stderr.
'use strict';
console.log = (...a) => console.error(...a);  // keep stdout for the JSON answer
const fs = require('fs');
const tf = require('@tensorflow/tfjs');
require('@tensorflow/tfjs-backend-wasm');
const {loadGraphModel, readInputs} = require('../tests/interop/graph_models.js');

function median(xs) {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

// One inference with every output read back: model.execute when the graph allows it (as an app would call
// it), executeAsync for graphs with control flow or dynamic shapes (execute refuses those).
function runner(model, inputs, outputs) {
  let sync = true;
  try {
    tf.dispose(model.execute(inputs, outputs));
  } catch (e) {
    sync = false;
  }
  return async () => {
    let result = sync ? model.execute(inputs, outputs) : await model.executeAsync(inputs, outputs);
    if (!Array.isArray(result)) result = [result];
    for (const t of result) await t.data();
    tf.dispose(result);
  };
}

async function timeModel(spec, repeat) {
  const model = await loadGraphModel(tf, spec.model);
  const inputs = readInputs(tf, spec.inputs);
  try {
    const run = runner(model, inputs, spec.outputs);
    await run();
    const times = [];
    for (let i = 0; i < repeat; i++) {
      const t0 = process.hrtime.bigint();
      await run();
      times.push(Number(process.hrtime.bigint() - t0) / 1e6);
    }
    return median(times);
  } finally {
    tf.dispose(Object.values(inputs));
    model.dispose();
  }
}

async function main() {
  const req = JSON.parse(fs.readFileSync(process.argv[2], 'utf8'));
  const ms = {};
  for (const backend of req.backends) {
    await tf.setBackend(backend);
    await tf.ready();
    ms[backend] = {};
    for (const spec of req.models) {
      try {
        ms[backend][spec.name] = await timeModel(spec, req.repeat);
      } catch (e) {
        console.error(`${spec.name} on ${backend} failed: ${e && e.message || e}`);
        ms[backend][spec.name] = null;
      }
    }
  }
  process.stdout.write(JSON.stringify({tfjs: tf.version.tfjs, ms}));
}

main().catch(e => { console.error(e && e.stack || e); process.exit(1); });
