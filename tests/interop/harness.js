// Runs TensorFlow.js ops (cpu backend) on cases sent as JSON on stdin; writes results as JSON on stdout.
// A case: {"id": "...", "op": "image.resizeBilinear", "args": [ARG, ...]}
// An ARG is plain JSON, or {"__tensor__": {"values": [...], "shape": [...], "dtype": "float32"}}.
// Non-finite numbers travel as the strings "NaN", "Infinity", "-Infinity".
// TF.js prints a banner with console.log; keep stdout for the JSON answer alone.
console.log = (...a) => console.error(...a);
const tf = require('@tensorflow/tfjs');

function decodeNumber(v) {
  if (v === 'NaN') return NaN;
  if (v === 'Infinity') return Infinity;
  if (v === '-Infinity') return -Infinity;
  return v;
}

function decodeArg(a) {
  if (Array.isArray(a)) return a.map(decodeArg);
  if (a !== null && typeof a === 'object') {
    if (a.__tensor__) {
      const t = a.__tensor__;
      const values = t.dtype === 'string' ? t.values : t.values.map(decodeNumber);
      if (t.dtype === 'complex64') {  // values interleave real and imaginary parts
        const re = values.filter((_, i) => i % 2 === 0), im = values.filter((_, i) => i % 2 === 1);
        return tf.complex(tf.tensor(re, t.shape), tf.tensor(im, t.shape));
      }
      return tf.tensor(values, t.shape, t.dtype);
    }
    const out = {};
    for (const k of Object.keys(a)) out[k] = decodeArg(a[k]);
    return out;
  }
  return decodeNumber(a);
}

function encodeNumber(v) {
  if (typeof v !== 'number' || Number.isFinite(v)) return v;
  return Number.isNaN(v) ? 'NaN' : (v > 0 ? 'Infinity' : '-Infinity');
}

function encodeResult(r) {
  if (r instanceof tf.Tensor) {
    let values;
    if (r.dtype === 'complex64') {
      values = Array.from(r.dataSync()).map(encodeNumber);  // interleaved re, im
    } else if (r.dtype === 'string') {
      values = r.dataSync().map(b => typeof b === 'string' ? b : Buffer.from(b).toString('utf8'));
    } else {
      values = Array.from(r.dataSync()).map(encodeNumber);
    }
    return {__tensor__: {values, shape: r.shape, dtype: r.dtype}};
  }
  if (Array.isArray(r)) return r.map(encodeResult);
  if (r !== null && typeof r === 'object') {
    const out = {};
    for (const k of Object.keys(r)) out[k] = encodeResult(r[k]);
    return out;
  }
  return encodeNumber(r);
}

// Functions of the harness itself, reached as "harness.<name>".
const local = {
  // Runs a graph model held in memory: model = model.json's object (modelTopology, weightsManifest
  // entries flattened into weightSpecs, signature, ...), weights = the weight bytes in base64.
  async graphModel(model, weights, inputs, outputs) {
    const buf = Buffer.from(weights, 'base64');
    const weightData = buf.buffer.slice(buf.byteOffset, buf.byteOffset + buf.byteLength);
    const m = await tf.loadGraphModel(tf.io.fromMemory({...model, weightData}));
    return m.executeAsync(inputs, outputs);
  },
  // tf.io.decodeWeights on raw bytes: specs = weight manifest entries, weights = the bytes in base64.
  // Returns {name: tensor}.
  decodeWeights(specs, weights) {
    const buf = Buffer.from(weights, 'base64');
    return tf.io.decodeWeights(buf.buffer.slice(buf.byteOffset, buf.byteOffset + buf.byteLength), specs);
  },
  // tf.io.encodeWeights on {name: tensor}: returns {specs, data: the bytes in base64}.
  async encodeWeights(tensors) {
    const {data, specs} = await tf.io.encodeWeights(tensors);
    return {specs, data: Buffer.from(data).toString('base64')};
  },
};

function resolve(path) {
  if (path.startsWith('harness.')) return local[path.slice(8)];
  let obj = tf;
  for (const part of path.split('.')) {
    obj = obj[part];
    if (obj === undefined) throw new Error(`tf.${path} does not exist`);
  }
  return obj;
}

async function main() {
  await tf.setBackend('cpu');
  let input = '';
  for await (const chunk of process.stdin) input += chunk;
  const cases = JSON.parse(input);
  const results = [];
  for (const c of cases) {
    try {
      const fn = resolve(c.op);
      let r = fn(...c.args.map(decodeArg));
      if (r instanceof Promise) r = await r;
      results.push({id: c.id, ok: true, result: encodeResult(r)});
    } catch (e) {
      results.push({id: c.id, ok: false, error: String(e && e.message || e)});
    }
  }
  process.stdout.write(JSON.stringify({version: tf.version.tfjs, backend: tf.getBackend(), results}));
}

main().catch(e => { console.error(e); process.exit(1); });
