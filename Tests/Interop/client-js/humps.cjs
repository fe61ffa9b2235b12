// A stand-in for the `humps` package (Kisi's JS client's one dependency): converts object keys
// between camelCase and snake_case, recursively, as humps does for the shapes the client sends
// and receives. Written for kisictl's interop test; not humps' code.
'use strict';

function isPlainObject(value) {
  return value !== null && typeof value === 'object' && !Array.isArray(value) && !(value instanceof Date);
}

function convertKeys(value, convert) {
  if (Array.isArray(value)) return value.map(item => convertKeys(item, convert));
  if (!isPlainObject(value)) return value;
  const out = {};
  for (const [key, inner] of Object.entries(value)) out[convert(key)] = convertKeys(inner, convert);
  return out;
}

function camelize(text) {
  if (/^\d+$/.test(text)) return text;
  return text.replace(/[-_\s]+(.)?/g, (_, next) => (next ? next.toUpperCase() : '')).replace(/^([A-Z])/, first => first.toLowerCase());
}

function decamelize(text) {
  return text.replace(/([a-z\d])([A-Z])/g, '$1_$2').toLowerCase();
}

module.exports = {
  camelize,
  decamelize,
  camelizeKeys: value => convertKeys(value, camelize),
  decamelizeKeys: value => convertKeys(value, decamelize)
};
