// The real TensorFlow.js (@tensorflow/tfjs 4.22.0, cpu backend) on layers models, for
// tests/layers/test_saving_tfjs.py.
//
//   node layers_models.js make <folder>
//       Creates TF.js models of several kinds with deterministic weights and saves each as
//       <folder>/<name>/model.json + weights.bin (the layout of tfjs-node's file:// handler); quantized copies
//       are written the way TF.js's Python converter writes them (TF.js only reads quantized weights). Inputs
//       and TF.js's outputs go to <folder>/cases.json. tests/layers/fixtures/tfjs_models was made with
//       `cd tests/interop && node layers_models.js make ../layers/fixtures/tfjs_models`.
//   node layers_models.js run
//       Reads [{id, path, inputs, fit?}] (JSON) on stdin; for each loads path (a model.json, with its shards)
//       with tf.loadLayersModel, trains on fit = {x, y, batchSize, epochs} when given, predicts on inputs and
//       writes {id: {ok, outputs, trainingConfig, userDefinedMetadata, weightNames} | {ok: false, error}}.
// Tensors travel as {shape, dtype, values} with flat values. TF.js's banner goes to stderr.
console.log = (...a) => console.error(...a);
const fs = require('fs');
const path = require('path');
const tf = require('@tensorflow/tfjs');

const L = tf.layers;

// ---- tensors <-> JSON ------------------------------------------------------------------------------

function toTensor(t) {
  return tf.tensor(t.values, t.shape, t.dtype || 'float32');
}

function fromTensor(t) {
  return {shape: t.shape, dtype: t.dtype, values: Array.from(t.dataSync())};
}

function outputsOf(model, inputs) {
  const out = model.predict(inputs.length === 1 ? inputs[0] : inputs);
  return (Array.isArray(out) ? out : [out]).map(fromTensor);
}

// Deterministic values: weights, inputs and targets are smooth functions of their index.
function pattern(n, phase, scale) {
  const v = new Float32Array(n);
  for (let i = 0; i < n; i++) v[i] = scale * Math.sin(0.37 * (i + 1) + phase);
  return v;
}

function setDeterministicWeights(model) {
  model.weights.forEach((w, k) => {
    const n = w.shape.reduce((a, b) => a * b, 1);
    let v = pattern(n, 1.1 * k, 0.5);
    if (w.originalName.endsWith('moving_variance')) v = v.map(x => 0.5 + Math.abs(x));
    w.write(tf.tensor(v, w.shape));
  });
}

function floatInput(shape, phase) {
  const n = shape.reduce((a, b) => a * b, 1);
  return {shape, dtype: 'float32', values: Array.from(pattern(n, phase, 1.0))};
}

function intInput(shape, high, phase) {
  const n = shape.reduce((a, b) => a * b, 1);
  const values = [];
  for (let i = 0; i < n; i++) values.push(Math.floor(Math.abs(Math.sin(0.71 * i + phase)) * high) % high);
  return {shape, dtype: 'int32', values};
}

// ---- files -----------------------------------------------------------------------------------------

function writeModel(folder, artifacts) {
  fs.mkdirSync(folder, {recursive: true});
  const json = {
    modelTopology: artifacts.modelTopology, format: artifacts.format, generatedBy: artifacts.generatedBy,
    convertedBy: artifacts.convertedBy,
    weightsManifest: [{paths: ['weights.bin'], weights: artifacts.weightSpecs}],
  };
  if (artifacts.trainingConfig != null) json.trainingConfig = artifacts.trainingConfig;
  if (artifacts.userDefinedMetadata != null) json.userDefinedMetadata = artifacts.userDefinedMetadata;
  fs.writeFileSync(path.join(folder, 'model.json'), JSON.stringify(json));
  fs.writeFileSync(path.join(folder, 'weights.bin'), Buffer.from(artifacts.weightData));
}

async function saveModel(model, folder, config) {
  let saved;
  await model.save(tf.io.withSaveHandler(async a => {
    saved = a;
    return {modelArtifactsInfo: {dateSaved: new Date(), modelTopologyType: 'JSON'}};
  }), config);
  writeModel(folder, saved);
  return saved;
}

// A model.json path (or its folder) and its shards as ModelArtifacts.
function readArtifacts(p) {
  const jsonPath = fs.statSync(p).isDirectory() ? path.join(p, 'model.json') : p;
  const json = JSON.parse(fs.readFileSync(jsonPath, 'utf8'));
  const dir = path.dirname(jsonPath);
  const specs = [];
  const buffers = [];
  for (const group of json.weightsManifest) {
    specs.push(...group.weights);
    for (const shard of group.paths) buffers.push(fs.readFileSync(path.join(dir, shard)));
  }
  const all = Buffer.concat(buffers);
  return {
    modelTopology: json.modelTopology, format: json.format, generatedBy: json.generatedBy,
    convertedBy: json.convertedBy, trainingConfig: json.trainingConfig,
    userDefinedMetadata: json.userDefinedMetadata, weightSpecs: specs,
    weightData: all.buffer.slice(all.byteOffset, all.byteOffset + all.byteLength),
  };
}

// ---- quantization, as TF.js's Python converter writes it ------------------------------------------

function quantizeArtifacts(artifacts, dtype) {
  const values = tf.io.decodeWeights(artifacts.weightData, artifacts.weightSpecs);
  const specs = [];
  const chunks = [];
  for (const spec of artifacts.weightSpecs) {
    const v = values[spec.name].dataSync();
    if (spec.dtype !== 'float32') {
      specs.push(spec);
      chunks.push(Buffer.from(new Uint8Array(values[spec.name].dataSync().buffer.slice(0))));
      continue;
    }
    if (dtype === 'float16') {
      const codes = new Uint16Array(v.length);
      for (let i = 0; i < v.length; i++) codes[i] = toHalf(v[i]);
      specs.push({...spec, quantization: {dtype}});
      chunks.push(Buffer.from(codes.buffer));
      continue;
    }
    const qmax = dtype === 'uint8' ? 255 : 65535;
    let lo = Math.min(...v), hi = Math.max(...v);
    let scale = 1, codes;
    const Codes = dtype === 'uint8' ? Uint8Array : Uint16Array;
    if (lo === hi) {
      codes = new Codes(v.length);
    } else {
      scale = (hi - lo) / qmax;
      if (lo <= 0 && 0 <= hi) {  // nudge so that 0 is a code (round half to even, as NumPy)
        const zero = roundHalfEven(-lo / scale);
        lo = -zero * scale;
        hi = qmax * scale + lo;
      }
      codes = new Codes(v.length);
      for (let i = 0; i < v.length; i++) {
        codes[i] = roundHalfEven((Math.min(Math.max(v[i], lo), hi) - lo) / scale);
      }
    }
    specs.push({...spec, quantization: {dtype, min: lo, scale}});
    chunks.push(Buffer.from(codes.buffer));
  }
  const all = Buffer.concat(chunks);
  return {...artifacts, weightSpecs: specs,
          weightData: all.buffer.slice(all.byteOffset, all.byteOffset + all.byteLength)};
}

function roundHalfEven(x) {
  const r = Math.round(x);
  return (Math.abs(x % 1) === 0.5 && r % 2 !== 0) ? r - 1 : r;
}

function toHalf(x) {
  const f = new Float32Array([x]);
  const b = new Uint32Array(f.buffer)[0];
  const sign = (b >>> 16) & 0x8000;
  let exp = ((b >>> 23) & 0xff) - 127 + 15;
  let mant = b & 0x7fffff;
  if (exp >= 31) return sign | 0x7c00;
  if (exp <= 0) {
    if (exp < -10) return sign;
    mant = (mant | 0x800000) >> (1 - exp);
    return sign | ((mant + 0x1000 + ((mant >> 13) & 1) - 1) >> 13);
  }
  const half = sign | (exp << 10) | (mant >> 13);
  const rest = mant & 0x1fff;
  return (rest > 0x1000 || (rest === 0x1000 && (half & 1))) ? half + 1 : half;
}

// ---- the models TF.js makes -----------------------------------------------------------------------

function mlp() {
  return tf.sequential({name: 'mlp', layers: [
    L.dense({units: 8, inputShape: [6], activation: 'relu', name: 'hidden'}),
    L.dense({units: 4, activation: 'softmax', name: 'probs'})]});
}

function cnnBatchNorm() {
  return tf.sequential({name: 'cnn_bn', layers: [
    L.conv2d({filters: 4, kernelSize: 3, padding: 'same', inputShape: [8, 8, 2]}),
    L.batchNormalization({}), L.activation({activation: 'relu'}),
    L.depthwiseConv2d({kernelSize: 3, depthMultiplier: 2}),
    L.separableConv2d({filters: 3, kernelSize: 2, activation: 'elu'}),
    L.maxPooling2d({poolSize: 2}), L.flatten({}), L.dense({units: 3})]});
}

function twoInTwoOut() {
  const a = tf.input({shape: [5], name: 'in_a'});
  const b = tf.input({shape: [5], name: 'in_b'});
  const shared = L.dense({units: 6, activation: 'tanh', name: 'shared'});
  const inner = tf.sequential({name: 'inner', layers: [
    L.dense({units: 4, inputShape: [6], activation: 'relu', name: 'inner_1'}),
    L.dense({units: 6, name: 'inner_2'})]});
  const sa = shared.apply(a), sb = shared.apply(b);
  const merged = L.add({name: 'merged'}).apply([sa, inner.apply(sb)]);
  const out1 = L.dense({units: 2, activation: 'sigmoid', name: 'out_1'}).apply(merged);
  const out2 = L.concatenate({name: 'out_2'}).apply([sa, merged]);
  return tf.model({name: 'two_in_two_out', inputs: [a, b], outputs: [out1, out2]});
}

function nestedSequential() {
  const block = tf.sequential({name: 'block', layers: [L.dense({units: 3, inputShape: [4], name: 'deep'})]});
  return tf.sequential({name: 'nested_sequential', layers: [block, L.dense({units: 2, name: 'top'})]});
}

function recurrent() {
  return tf.sequential({name: 'recurrent', layers: [
    L.lstm({units: 5, returnSequences: true, inputShape: [6, 3]}),
    L.gru({units: 4, returnSequences: true}),
    L.simpleRNN({units: 3, returnSequences: true, activation: 'relu'}),
    L.bidirectional({layer: L.lstm({units: 2, returnSequences: true}), mergeMode: 'concat'}),
    L.timeDistributed({layer: L.dense({units: 3})}),
    L.rnn({cell: [L.lstmCell({units: 3}), L.gruCell({units: 2})]})]});
}

function embedding() {
  return tf.sequential({name: 'embedding', layers: [
    L.embedding({inputDim: 12, outputDim: 4, inputLength: 7}),
    L.conv1d({filters: 3, kernelSize: 3, activation: 'relu'}),
    L.globalAveragePooling1d({}), L.dense({units: 2})]});
}

function poolingAndShapes() {
  return tf.sequential({name: 'pooling_shapes', layers: [
    L.zeroPadding2d({padding: [[1, 0], [0, 2]], inputShape: [6, 5, 2]}),
    L.cropping2D({cropping: [[0, 1], [1, 0]]}),
    L.upSampling2d({size: [2, 1]}),
    L.averagePooling2d({poolSize: [2, 2], strides: [1, 2], padding: 'same'}),
    L.conv2dTranspose({filters: 2, kernelSize: 3, strides: 2, padding: 'same', activation: 'softplus'}),
    L.globalMaxPooling2d({}), L.repeatVector({n: 3}), L.permute({dims: [2, 1]}), L.reshape({targetShape: [6]}),
    L.dense({units: 4, activation: 'hardSigmoid'}), L.leakyReLU({alpha: 0.2}), L.prelu({}), L.elu({}),
    L.thresholdedReLU({theta: 0.1}), L.softmax({})]});
}

function oneAndThreeD() {
  return tf.sequential({name: 'one_three_d', layers: [
    L.conv3d({filters: 2, kernelSize: 2, inputShape: [4, 4, 4, 1], activation: 'selu'}),
    L.maxPooling3d({poolSize: 2, padding: 'same'}), L.averagePooling3d({poolSize: 1}),
    L.conv3dTranspose({filters: 1, kernelSize: 2, strides: 1}), L.reshape({targetShape: [9, 3]}),
    L.maxPooling1d({poolSize: 3}), L.averagePooling1d({poolSize: 2, padding: 'same'}),
    L.layerNormalization({}), L.globalMaxPooling1d({}), L.dense({units: 2, activation: 'softsign'})]});
}

function merges() {
  const a = tf.input({shape: [4], name: 'a'});
  const b = tf.input({shape: [4], name: 'b'});
  const da = L.dense({units: 4, name: 'da'}).apply(a);
  const db = L.dense({units: 4, name: 'db'}).apply(b);
  const outs = [
    L.multiply({}).apply([da, db]), L.average({}).apply([da, db]), L.maximum({}).apply([da, db]),
    L.minimum({}).apply([da, db]), L.dot({axes: 1, normalize: true}).apply([da, db]),
    L.dropout({rate: 0.5}).apply(L.gaussianNoise({stddev: 1}).apply(L.gaussianDropout({rate: 0.3}).apply(
        L.alphaDropout({rate: 0.2}).apply(L.spatialDropout1d({rate: 0.4}).apply(L.reshape({targetShape: [2, 2]})
            .apply(da)))))),
  ];
  return tf.model({name: 'merges', inputs: [a, b], outputs: outs});
}

function preprocessing() {
  return tf.sequential({name: 'preprocessing', layers: [
    L.rescaling({scale: 0.5, offset: 0.25, inputShape: [6, 6, 2]}),
    // a new shape array before centerCrop: TF.js's CenterCrop changes its input shape in place
    L.conv2d({filters: 2, kernelSize: 1}), L.centerCrop({height: 4, width: 4}),
    L.flatten({}), L.masking({maskValue: 0.1}), L.dense({units: 3, activation: 'swish'})]});
}

function convLstm() {
  return tf.sequential({name: 'conv_lstm', layers: [
    L.convLstm2d({filters: 2, kernelSize: 2, inputShape: [3, 4, 4, 1], returnSequences: false}),
    L.flatten({}), L.dense({units: 2, activation: 'mish'})]});
}

const MAKERS = [
  ['mlp', mlp, [[4, 6]], 'float'],
  ['cnn_bn', cnnBatchNorm, [[2, 8, 8, 2]], 'float'],
  ['two_in_two_out', twoInTwoOut, [[3, 5], [3, 5]], 'float'],
  ['nested_sequential', nestedSequential, [[3, 4]], 'float'],
  ['recurrent', recurrent, [[2, 6, 3]], 'float'],
  ['embedding', embedding, [[3, 7]], 'int12'],
  ['pooling_shapes', poolingAndShapes, [[2, 6, 5, 2]], 'float'],
  ['one_three_d', oneAndThreeD, [[2, 4, 4, 4, 1]], 'float'],
  ['merges', merges, [[3, 4], [3, 4]], 'float'],
  ['preprocessing', preprocessing, [[2, 6, 6, 2]], 'float'],
  ['conv_lstm', convLstm, [[2, 3, 4, 4, 1]], 'float'],
];

async function make(folder) {
  fs.mkdirSync(folder, {recursive: true});
  const cases = [];
  for (const [name, build, shapes, kind] of MAKERS) {
    const model = build();
    setDeterministicWeights(model);
    const inputs = shapes.map((s, i) => kind === 'float' ? floatInput(s, 0.3 + i) : intInput(s, 12, 0.3 + i));
    const xs = inputs.map(toTensor);
    const saved = await saveModel(model, path.join(folder, name));
    cases.push({name, inputs, outputs: outputsOf(model, xs)});
    if (name === 'mlp') {
      for (const dtype of ['uint8', 'uint16', 'float16']) {  // what the converter's --quantize_* write
        const quantized = quantizeArtifacts(saved, dtype);
        writeModel(path.join(folder, `mlp_${dtype}`), quantized);
        const loaded = await tf.loadLayersModel(tf.io.fromMemory(quantized));
        cases.push({name: `mlp_${dtype}`, inputs, outputs: outputsOf(loaded, xs)});
      }
    }
  }
  cases.push(await trainedWithOptimizer(folder));
  fs.writeFileSync(path.join(folder, 'cases.json'),
                   JSON.stringify({tfjs_version: tf.version.tfjs, cases}, null, 1));
}

// An MLP trained a few steps with Adam and saved with includeOptimizer and user metadata; then trained two
// more epochs: tensorweb, continuing from the file, must reach the same weights and outputs.
async function trainedWithOptimizer(folder) {
  const model = tf.sequential({name: 'trained', layers: [
    L.dense({units: 5, inputShape: [3], activation: 'tanh', name: 'h'}), L.dense({units: 2, name: 'o'})]});
  setDeterministicWeights(model);
  model.compile({optimizer: tf.train.adam(0.05), loss: 'meanSquaredError', metrics: ['mse']});
  model.setUserDefinedMetadata({purpose: 'interop', steps: 3});
  const x = floatInput([6, 3], 0.2), y = floatInput([6, 2], 1.7);
  const fit = {x, y, batchSize: 2, epochs: 1};
  await model.fit(toTensor(x), toTensor(y), {batchSize: 2, epochs: 1, shuffle: false, verbose: 0});
  await saveModel(model, path.join(folder, 'trained'), {includeOptimizer: true});
  const xs = [toTensor(x)];
  const outputs = outputsOf(model, xs);
  await model.fit(toTensor(x), toTensor(y), {batchSize: 2, epochs: 2, shuffle: false, verbose: 0});
  return {name: 'trained', inputs: [x], outputs, fit: {...fit, epochs: 2},
          after_fit_outputs: outputsOf(model, xs)};
}

// ---- running models tensorweb wrote ------------------------------------------------------------------

async function runOne(c) {
  const artifacts = readArtifacts(c.path);
  const model = await tf.loadLayersModel(tf.io.fromMemory(artifacts), {strict: true});
  const xs = c.inputs.map(toTensor);
  const result = {ok: true, weightNames: model.weights.map(w => w.originalName),
                  trainingConfig: artifacts.trainingConfig || null,
                  userDefinedMetadata: model.getUserDefinedMetadata() || null};
  if (c.fit) {
    await model.fit(toTensor(c.fit.x), toTensor(c.fit.y),
                    {batchSize: c.fit.batchSize, epochs: c.fit.epochs, shuffle: false, verbose: 0});
  }
  result.outputs = outputsOf(model, xs);
  return result;
}

async function run() {
  const cases = JSON.parse(fs.readFileSync(0, 'utf8'));
  const results = {};
  for (const c of cases) {
    try {
      results[c.id] = await runOne(c);
    } catch (e) {
      results[c.id] = {ok: false, error: String(e && e.message || e)};
    }
  }
  process.stdout.write(JSON.stringify(results));
}

const [command, arg] = process.argv.slice(2);
(command === 'make' ? make(arg) : command === 'run' ? run() :
 Promise.reject(new Error('usage: node layers_models.js make <folder> | run'))).catch(e => {
  console.error(e && e.stack || e);
  process.exit(1);
});
