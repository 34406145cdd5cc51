// Ground truth for qlinear's onnxruntime engines: every layer of a layer
// file through the real ONNX Runtime (npm onnxruntime-node, CPU execution
// provider, one thread), one line of output codes per layer, or
// "unsupported: REASON".  The first line printed is a comment naming the
// ONNX Runtime version; the ISA is the caller's to record.
//
// Usage: NODE_PATH=build/ort/node_modules node onnxruntime.cjs LAYERS
//
// Each layer becomes a one-node ONNX model (opset 13), written here byte by
// byte in protobuf's wire format: QLinearMatMul(a, a_scale, a_zero_point,
// b, b_scale, b_zero_point, y_scale, y_zero_point) with `a` (M x K uint8)
// the graph's input, `b` the K x N int8 transpose of the layer's weight,
// float32 scales and uint8/int8/uint8 zero points, per column of b for a
// per-channel weight.  QLinearMatMul has no bias input: a layer with a
// bias is unsupported.
'use strict';
const fs = require('fs');
const ort = require('onnxruntime-node');

// ---- the layer format (the book's appendix "Reading layers") ----------
function* tokens(text) {
  for (const line of text.split('\n'))
    for (const t of line.replace(/#.*/, '').split(/\s+/))
      if (t) yield t;
}

function readLayers(text) {
  const it = tokens(text), layers = [];
  const next = () => { const r = it.next(); if (r.done) throw new Error('truncated'); return r.value; };
  const ints = (n) => Array.from({ length: n }, () => parseInt(next(), 10));
  const f32s = (n) => Array.from({ length: n }, () => Math.fround(parseFloat(next())));
  for (let r = it.next(); !r.done; r = it.next()) {
    if (r.value !== 'layer') throw new Error(`expected 'layer', found ${r.value}`);
    const [m, k, n] = ints(3);
    const L = { m, k, n, bias: null, wScales: null, wZps: null };
    next(); [L.sx] = f32s(1); [L.zx] = ints(1); L.x = ints(m * k);
    next();
    let t = next();
    if (t === 'per-channel') {
      L.wScales = f32s(n); L.wZps = ints(n); L.perChannel = true;
    } else {
      L.wScales = [Math.fround(parseFloat(t))]; L.wZps = ints(1);
    }
    L.w = ints(n * k);
    t = next();
    if (t === 'bias') { L.bias = f32s(n); t = next(); }
    [L.sy] = f32s(1); [L.zy] = ints(1);
    layers.push(L);
  }
  return layers;
}

// ---- protobuf wire format, just what ModelProto needs --------------------
function varint(v) {
  const out = [];
  let x = BigInt(v);
  do {
    let b = Number(x & 0x7fn); x >>= 7n;
    if (x) b |= 0x80;
    out.push(b);
  } while (x);
  return out;
}
const key = (field, wire) => varint(field * 8 + wire);
const vint = (field, v) => [...key(field, 0), ...varint(v)];
const bytes = (field, b) => [...key(field, 2), ...varint(b.length), ...b];
const str = (field, s) => bytes(field, [...Buffer.from(s, 'utf8')]);

const FLOAT = 1, UINT8 = 2, INT8 = 3;
function tensor(name, type, dims, raw) {
  return [...dims.flatMap((d) => vint(1, d)), ...vint(2, type), ...str(8, name),
          ...bytes(9, [...raw])];
}
function valueInfo(name, type, dims) {
  const shape = dims.flatMap((d) => bytes(1, vint(1, d)));
  const tensorType = [...vint(1, type), ...bytes(2, shape)];
  return [...str(1, name), ...bytes(2, bytes(1, tensorType))];
}
const f32raw = (v) => new Uint8Array(new Float32Array(v).buffer);

function model(L) {
  const perChannel = L.perChannel;
  const bT = new Int8Array(L.k * L.n);            // b[kk][j] = w[j][kk]
  for (let j = 0; j < L.n; j++)
    for (let kk = 0; kk < L.k; kk++) bT[kk * L.n + j] = L.w[j * L.k + kk];
  const qdims = perChannel ? [L.n] : [];
  const inits = [
    tensor('a_scale', FLOAT, [], f32raw([L.sx])),
    tensor('a_zero_point', UINT8, [], Uint8Array.of(L.zx)),
    tensor('b', INT8, [L.k, L.n], new Uint8Array(bT.buffer)),
    tensor('b_scale', FLOAT, qdims, f32raw(L.wScales)),
    tensor('b_zero_point', INT8, qdims, new Uint8Array(Int8Array.from(L.wZps).buffer)),
    tensor('y_scale', FLOAT, [], f32raw([L.sy])),
    tensor('y_zero_point', UINT8, [], Uint8Array.of(L.zy)),
  ];
  const ins = ['a', 'a_scale', 'a_zero_point', 'b', 'b_scale', 'b_zero_point',
               'y_scale', 'y_zero_point'];
  const node = [...ins.flatMap((s) => str(1, s)), ...str(2, 'y'), ...str(3, 'qmm'),
                ...str(4, 'QLinearMatMul')];
  const graph = [...bytes(1, node), ...str(2, 'layer'),
                 ...inits.flatMap((t) => bytes(5, t)),
                 ...bytes(11, valueInfo('a', UINT8, [L.m, L.k])),
                 ...bytes(12, valueInfo('y', UINT8, [L.m, L.n]))];
  const opset = [...str(1, ''), ...vint(2, 13)];
  return Uint8Array.from([...vint(1, 7), ...bytes(7, graph), ...bytes(8, opset)]);
}

// ---- run -----------------------------------------------------------------
async function main() {
  if (process.argv.length !== 3) {
    process.stderr.write('usage: onnxruntime.cjs LAYERS\n');
    process.exit(2);
  }
  const opt = { intraOpNumThreads: 1, interOpNumThreads: 1,
                graphOptimizationLevel: process.env.QL_ORT_OPT || 'all' };
  const out = [`# onnxruntime-node ${require('onnxruntime-node/package.json').version}`];
  for (const L of readLayers(fs.readFileSync(process.argv[2], 'utf8'))) {
    if (L.bias) { out.push('unsupported: bias (QLinearMatMul has no bias input)'); continue; }
    try {
      const s = await ort.InferenceSession.create(model(L), opt);
      const r = await s.run({ a: new ort.Tensor('uint8', Uint8Array.from(L.x), [L.m, L.k]) });
      out.push(Array.from(r.y.data).join(' '));
      await s.release();
    } catch (e) {
      out.push('unsupported: ' + String(e.message).split('\n')[0].slice(0, 160));
    }
  }
  process.stdout.write(out.join('\n') + '\n');
}
main().catch((e) => { process.stderr.write(`onnxruntime.cjs: ${e.stack}\n`); process.exit(1); });
