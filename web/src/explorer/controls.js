// The form above a drawing: its fields, and how they become URL parameters.
import { $, h, kindLabel } from './dom.js';
import { KINDS } from './state.js';

export function numberField(label, name, value, min, max) {
  return h('label', {}, label, ' ', h('input', { type: 'number', name, value, min, max, step: 1 }));
}

export function selectField(label, name, options, value) {
  return h('label', {}, label, ' ', h('select', { name },
    options.map(([v, text]) => h('option', { value: v, selected: v === value }, text))));
}

export function textField(label, name, value, placeholder, size) {
  return h('label', {}, label, ' ', h('input', { type: 'text', name, value: value || '', placeholder, size: size || 12 }));
}

export function kindChecks(name, selected) {
  return h('fieldset', { class: 'kinds' }, h('legend', {}, 'Via kinds'),
    KINDS.map((k) => h('label', {}, h('input', { type: 'checkbox', name, value: k, checked: selected.includes(k) }), ' ', kindLabel(k))));
}

// controlsForm fills #controls and calls apply with the form's values on submit.
export function controlsForm(children, apply) {
  const form = $('controls');
  form.replaceChildren(...children, h('button', { type: 'submit' }, 'Apply'));
  form.onsubmit = (e) => {
    e.preventDefault();
    apply(new FormData(form));
  };
}

export const list = (v) => (v ? v.split(',').map((x) => x.trim()).filter(Boolean) : []);
export const intParam = (p, name, def) => {
  const v = parseInt(p.get(name), 10);
  return Number.isFinite(v) ? v : def;
};

// The date match mode of the API's date filters (kg.DateMatch): an item
// matches a range when its span overlaps it (the default) or lies within it.
// The URL keeps it as ?match=within; overlaps is the default and left out.
export const MATCH_MODES = [['overlaps', 'overlap the dates'], ['within', 'lie within the dates']];

export function matchParam(p) {
  return (p.get('match') || '').toLowerCase() === 'within' ? 'within' : 'overlaps';
}

// matchValue is the mode as the API's DateMatch enum names it.
export const matchValue = (mode) => (mode === 'within' ? 'WITHIN' : 'OVERLAPS');

// matchURL is the mode as the URL keeps it (empty for the default).
export const matchURL = (mode) => (mode === 'within' ? 'within' : '');

// matchField is the form field; label names what is kept ("Keep items that").
export function matchField(mode, label) {
  return selectField(label || 'Keep those that', 'match', MATCH_MODES, mode);
}
