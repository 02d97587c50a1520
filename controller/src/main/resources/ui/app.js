// Switchboard's web console: the topology as a picture, a bridge's flows by stage with the desired-vs-live
// difference, live through server-sent events (/api/v1/events): `topology` carries the picture's data, `changed`
// names an app collection (acl/rules, hosts, overlay/endpoints, overlay/leases) to read again. Hand-written, no
// libraries, no network but this controller.
'use strict';

const API = '/api/v1';
const SVG = 'http://www.w3.org/2000/svg';
const STAGES = ['classify', 'acl', 'l3', 'learn', 'l2', 'egress'];
let topology = null;
/** GET /overlay/endpoints (the config's and those added through REST); null until read or without the overlay. */
let endpoints = null;
let refreshTimer = null;

function el(tag, attrs, ...children) {
  const e = tag.startsWith('svg:') ? document.createElementNS(SVG, tag.slice(4)) : document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (k === 'onclick') e.addEventListener('click', v);
    else if (v !== null && v !== undefined) e.setAttribute(k, v);
  }
  for (const c of children.flat()) {
    if (c !== null && c !== undefined) e.append(c instanceof Node ? c : document.createTextNode(String(c)));
  }
  return e;
}

async function get(path) {
  const headers = {accept: 'application/json'};
  const token = sessionStorage.getItem('switchboard-token');
  if (token) headers.authorization = 'Bearer ' + token;
  const r = await fetch(API + path, {headers});
  if (!r.ok) {
    let why = r.status + '';
    try { why = (await r.json()).error || why; } catch (e) { /* not JSON */ }
    throw new Error(why);
  }
  return r.json();
}

// mutations carry the REST token when one is given (docs/security.md); kept for this browser tab only
async function send(method, path, body, contentType) {
  const headers = {accept: 'application/json'};
  if (body !== undefined) headers['content-type'] = contentType || 'application/json';
  const token = sessionStorage.getItem('switchboard-token');
  if (token) headers.authorization = 'Bearer ' + token;
  const payload = body === undefined ? undefined : contentType ? body : JSON.stringify(body);
  const r = await fetch(API + path, {method, headers, body: payload});
  let answer = null;
  try { answer = await r.json(); } catch (e) { /* no body */ }
  if (!r.ok) throw new Error((answer && answer.error) || ('HTTP ' + r.status));
  return answer;
}

const items = x => (Array.isArray(x) ? x : (x && x.items) || []);

/** Every overlay endpoint, config and runtime; null when the overlay app is off. */
async function readEndpoints() {
  try {
    endpoints = items(await get('/overlay/endpoints'));
  } catch (e) {
    endpoints = null;
  }
  return endpoints;
}

function text(v) {
  if (v === null || v === undefined) return '';
  if (Array.isArray(v)) return v.map(text).join(', ');
  if (typeof v === 'object') return Object.entries(v).map(([k, x]) => k + '=' + text(x)).join(', ');
  return String(v);
}

// ---- topology

function renderTopology(view, topo) {
  const W = 1000, H = 560;
  const svg = el('svg:svg', {class: 'topology', viewBox: `0 0 ${W} ${H}`, role: 'img',
    'aria-label': 'topology'});
  const hostsByName = new Map(topo.hosts.map(h => [h.name, h]));
  // one column per overlay host (with its bridge when connected), then one per bridge on no host
  const columns = topo.hosts.map(h => ({host: h, bridge: topo.bridges.find(b => b.dpid === h.dpid) || null}))
    .concat(topo.bridges.filter(b => !b.host).map(b => ({host: null, bridge: b})));
  const x = i => (i + 1) * W / (columns.length + 1);
  const ctl = {x: W / 2, y: 50};
  const rowY = 210;
  const layers = {links: el('svg:g'), nodes: el('svg:g')};
  svg.append(layers.links, layers.nodes);
  layers.nodes.append(el('svg:g', {class: 'controller'},
    el('svg:circle', {cx: ctl.x, cy: ctl.y, r: 30}),
    el('svg:text', {x: ctl.x, y: ctl.y + 4, 'text-anchor': 'middle'}, 'controller')));
  const colOfHost = new Map();
  columns.forEach((c, i) => {
    const cx = x(i);
    if (c.host) colOfHost.set(c.host.name, i);
    if (c.host) {
      layers.nodes.append(el('svg:g', {class: 'host' + (c.bridge ? '' : ' down'), 'data-host': c.host.name},
        el('svg:rect', {x: cx - 90, y: rowY - 62, width: 180, height: 112, rx: 10}),
        el('svg:text', {x: cx, y: rowY - 44, 'text-anchor': 'middle'},
          `${c.host.name} · ${c.host['tunnel-ip']}` + (c.bridge ? '' : ' · not connected'))));
    }
    if (c.bridge) {
      const b = c.bridge;
      layers.links.append(el('svg:line', {class: 'link', x1: ctl.x, y1: ctl.y + 30, x2: cx, y2: rowY - 22}));
      const g = el('svg:g', {class: `bridge ${b.role}` + (b.reconciled ? '' : ' unreconciled'),
        'data-dpid': b.dpid, 'data-name': b.name, tabindex: 0,
        onclick: () => { location.hash = '#/bridge/' + encodeURIComponent(b.dpid); }},
        el('svg:title', {}, `${b.name} ${b.dpid} (${b.role}), ${b.ports.length} ports`),
        el('svg:rect', {x: cx - 75, y: rowY - 22, width: 150, height: 50, rx: 6}),
        el('svg:text', {x: cx, y: rowY - 4, 'text-anchor': 'middle'}, b.name),
        el('svg:text', {x: cx, y: rowY + 12, 'text-anchor': 'middle'}, `${b.dpid.slice(-5)} · ${b.role}`));
      layers.nodes.append(g);
    }
  });
  topo.tunnels.forEach((t, k) => {
    const i = colOfHost.get(t.from), j = colOfHost.get(t.to);
    if (i === undefined || j === undefined) return;
    const y = rowY + 50, bend = y + 40 + 18 * (k % 4);
    layers.links.append(el('svg:path', {class: 'tunnel', fill: 'none', 'data-tunnel': t.from + '-' + t.to,
      d: `M ${x(i)} ${y} Q ${(x(i) + x(j)) / 2} ${bend} ${x(j)} ${y}`}));
  });
  const netX = i => (i + 1) * W / (topo.networks.length + 1);
  const netPos = new Map();
  topo.networks.forEach((n, i) => {
    netPos.set(n.name, {x: netX(i), y: 430});
    layers.nodes.append(el('svg:g', {class: 'network', 'data-network': n.name},
      el('svg:rect', {x: netX(i) - 80, y: 412, width: 160, height: 36, rx: 18}),
      el('svg:text', {x: netX(i), y: 434, 'text-anchor': 'middle'}, `${n.name} · VNI ${n.vni} · ${n.subnet}`)));
  });
  const perHost = new Map();
  (endpoints || topo.endpoints).forEach(e => {
    const i = colOfHost.get(e.host);
    const k = perHost.get(e.host) || 0;
    perHost.set(e.host, k + 1);
    if (i === undefined) return;
    const ex = x(i) - 60 + (k % 6) * 24, ey = 345 + Math.floor(k / 6) * 20;
    layers.links.append(el('svg:line', {class: 'attach', x1: x(i), y1: rowY + 50, x2: ex, y2: ey}));
    const n = netPos.get(e.network);
    if (n) layers.links.append(el('svg:line', {class: 'attach', x1: ex, y1: ey, x2: n.x, y2: n.y - 18}));
    const source = e.source || 'config';
    const bound = !e.state || e.state === 'bound';
    layers.nodes.append(el('svg:g', {class: `endpoint ${source}` + (bound ? '' : ' unbound'), 'data-endpoint': e.name,
      'data-source': source},
      el('svg:title', {}, `${e.name} ${e.ip || 'no address yet'} on ${e.network}, port ${e.port}`
        + (e.source ? ` (${e.source === 'api' ? 'added through the API' : 'config file'})` : '')
        + (e.state ? `, ${e.state}` + (e.reason ? ': ' + e.reason : '') : '')),
      el('svg:circle', {cx: ex, cy: ey, r: 7})));
  });
  topo.routers.forEach((r, i) => {
    const rx = (i + 1) * W / (topo.routers.length + 1), ry = 515;
    r.networks.forEach(nn => {
      const n = netPos.get(nn);
      if (n) layers.links.append(el('svg:line', {class: 'link', x1: rx, y1: ry, x2: n.x, y2: n.y + 18}));
    });
    layers.nodes.append(el('svg:g', {class: 'router', 'data-router': r.name},
      el('svg:polygon', {points: `${rx},${ry - 18} ${rx + 30},${ry} ${rx},${ry + 18} ${rx - 30},${ry}`}),
      el('svg:text', {x: rx, y: ry + 4, 'text-anchor': 'middle'}, r.name)));
  });
  view.replaceChildren(
    el('h1', {}, `Topology: ${topo.bridges.length} bridge(s) connected`
      + (topo.hosts.length ? `, ${topo.hosts.length} overlay host(s)` : '')),
    svg,
    el('p', {class: 'legend'}, el('span', {}, 'click a bridge for its flows'),
      el('span', {}, 'green: this instance is master; grey: slave; dashed purple: VXLAN tunnels; '
        + 'endpoints: blue from the config file, teal added through the API, hollow not bound to a port')));
}

// ---- a bridge

function key(f) {
  return f.table + '|' + f.priority + '|' + JSON.stringify(f.match);
}

function flowRow(f, kind) {
  const known = new Set(['table', 'stage', 'priority', 'match', 'cookie', 'app', 'actions', 'idle-timeout',
    'hard-timeout', 'packets', 'bytes', 'duration-seconds']);
  const why = Object.entries(f).filter(([k]) => !known.has(k)).map(([k, v]) => k + ' ' + text(v)).join(', ');
  return el('tr', {class: 'flow ' + kind, 'data-table': f.table, 'data-priority': f.priority,
    'data-kind': kind},
    el('td', {class: 'num'}, f.priority),
    el('td', {}, el('code', {}, text(f.match) || '*')),
    el('td', {}, el('code', {}, text(f.actions) || 'drop')),
    el('td', {}, f.app || '', why ? el('span', {class: 'badge'}, why) : null),
    el('td', {class: 'num'}, f.packets === undefined ? '' : f.packets),
    el('td', {class: 'num'}, f.bytes === undefined ? '' : f.bytes),
    el('td', {}, kind === 'live' ? '' : kind));
}

/** The bridge's flows by stage, and the counts line; throws when the bridge cannot be read. */
async function bridgeFlows(dpid) {
  const [live, diff] = await Promise.all([get(`/switches/${encodeURIComponent(dpid)}/flows`),
    get(`/switches/${encodeURIComponent(dpid)}/flows?diff=true`)]);
  const different = new Set(items(diff.different).map(d => key(d.live)));
  const extra = new Set(items(diff.extra).map(key));
  const rows = items(live).map(f => ({f, kind: extra.has(key(f)) ? 'extra' : different.has(key(f)) ? 'different'
    : 'live'})).concat(items(diff.missing).map(f => ({f, kind: 'missing'})));
  const stagesSeen = [...new Set(rows.map(r => r.f.stage || 'table ' + r.f.table))]
    .sort((a, b) => (STAGES.indexOf(a) + 1 || 99) - (STAGES.indexOf(b) + 1 || 99));
  const groups = stagesSeen.map(stage => {
    const mine = rows.filter(r => (r.f.stage || 'table ' + r.f.table) === stage)
      .sort((a, b) => b.f.priority - a.f.priority);
    return [el('h2', {'data-stage': stage}, `${stage} (table ${mine[0].f.table}): ${mine.length} entries`),
      el('table', {class: 'flows'}, el('tr', {}, ['priority', 'match', 'actions', 'app, reason', 'packets',
        'bytes', 'vs desired'].map(h => el('th', {}, h))), mine.map(r => flowRow(r.f, r.kind)))];
  });
  const counts = `${items(live).length} live entries; ${items(diff.missing).length} missing, `
    + `${items(diff.different).length} different, ${items(diff.extra).length} not desired`;
  return {counts, groups: groups.flat()};
}

/** The hosts l2-learning learned on the bridge (read again when a `changed: hosts` event arrives). */
async function bridgeHosts(sw) {
  let hosts;
  try {
    hosts = items(await get('/hosts')).filter(h => h.dpid === sw.dpid);
  } catch (e) {
    return el('p', {}, 'l2-learning does not run: ' + e.message);
  }
  return hosts.length ? el('table', {class: 'hosts'}, el('tr', {}, ['vlan', 'mac', 'port', 'age (s)'].map(h =>
    el('th', {}, h))), hosts.map(h => el('tr', {class: 'host-row', 'data-mac': h.mac}, el('td', {}, h.vlan),
    el('td', {}, el('code', {}, h.mac)), el('td', {}, h.port), el('td', {class: 'num'}, h['age-seconds']))))
    : el('p', {}, 'none');
}

/** Replaces the children of the element with this id, if the page still shows it. */
function fill(id, ...children) {
  const e = document.getElementById(id);
  if (e) e.replaceChildren(...children);
}

/** Counters move on: the flows are read again every 5 s; the rest of the page waits for events. */
async function refreshBridgeFlows(dpid) {
  let f;
  try {
    f = await bridgeFlows(dpid);
  } catch (e) {
    fill('counts', e.message);
    return;
  }
  fill('counts', f.counts);
  fill('bridge-flows', ...f.groups);
}

async function refreshBridgeHosts(dpid) {
  const box = document.getElementById('bridge-hosts');
  if (!box || box.dataset.dpid !== dpid) return;
  const hosts = await bridgeHosts({dpid: box.dataset.swDpid});
  fill('bridge-hosts', hosts);
}

function bridgeHead(sw) {
  return [el('h1', {}, `Bridge ${sw.name}`, el('span', {class: 'badge'}, sw.role)),
    el('p', {}, `dpid ${sw.dpid} · ${sw['openflow-version']} · from ${sw.address} · `
      + (sw.reconciled ? 'reconciled' : 'not reconciled yet'))];
}

function bridgePorts(sw) {
  return el('table', {class: 'ports'}, el('tr', {}, ['number', 'name', 'mac', 'state'].map(h => el('th', {}, h))),
    sw.ports.map(p => el('tr', {}, el('td', {class: 'num'}, p.number), el('td', {}, p.name),
      el('td', {}, el('code', {}, p.mac)), el('td', {}, p.up ? 'up' : 'down'))));
}

/** A `topology` event on a bridge's page: its role, state, ports and flows are read again (hosts have their own). */
async function refreshBridgeSwitch(view, dpid) {
  if (!document.getElementById('bridge-head')) {
    renderBridge(view, dpid); // the page could not be drawn before (the bridge was not there)
    return;
  }
  let sw;
  try {
    sw = await get(`/switches/${encodeURIComponent(dpid)}`);
  } catch (e) {
    fill('bridge-head', el('h1', {}, 'Bridge ' + dpid), el('p', {class: 'error'}, e.message));
    return;
  }
  fill('bridge-head', ...bridgeHead(sw));
  fill('bridge-ports', bridgePorts(sw));
  refreshBridgeFlows(dpid);
}

async function renderBridge(view, dpid) {
  let sw, f, hosts;
  try {
    sw = await get(`/switches/${encodeURIComponent(dpid)}`);
    [f, hosts] = await Promise.all([bridgeFlows(dpid), bridgeHosts(sw)]);
  } catch (e) {
    view.replaceChildren(el('h1', {}, 'Bridge ' + dpid), el('p', {class: 'error'}, e.message));
    return;
  }
  const {counts, groups} = f;
  view.replaceChildren(
    el('div', {id: 'bridge-head'}, ...bridgeHead(sw)),
    el('p', {}, el('span', {id: 'counts'}, counts)),
    el('p', {class: 'legend'}, el('span', {class: 'different'}, 'differs from desired'),
      el('span', {class: 'extra'}, 'on the switch, not desired'), el('span', {class: 'missing'}, 'desired, missing')),
    el('div', {id: 'bridge-flows'}, ...groups),
    el('h2', {}, 'Ports'),
    el('div', {id: 'bridge-ports'}, bridgePorts(sw)),
    el('h2', {}, 'Learned hosts'),
    el('div', {id: 'bridge-hosts', 'data-dpid': dpid, 'data-sw-dpid': sw.dpid}, hosts));
}

// ---- ACL rules

/** "ip-proto=icmp, tcp-dst=22" -> {"ip-proto": "icmp", "tcp-dst": 22} */
function parseMatch(s) {
  const m = {};
  for (const part of s.split(/[,\s]+/).filter(p => p)) {
    const i = part.indexOf('=');
    if (i <= 0) throw new Error(`match: expected field=value, got '${part}'`);
    const v = part.slice(i + 1);
    m[part.slice(0, i)] = /^\d+$/.test(v) ? Number(v) : v;
  }
  return m;
}

function aclTable(view, rules) {
  return el('table', {class: 'acl', id: 'acl-rules'}, el('tr', {}, ['name', 'priority', 'bridge', 'match', 'action',
    'source', 'hits', 'warnings', ''].map(h => el('th', {}, h))),
    rules.map(r => el('tr', {class: 'rule', 'data-rule': r.name},
      el('td', {}, r.name), el('td', {class: 'num'}, r.priority), el('td', {}, r.bridge || 'all'),
      el('td', {}, el('code', {}, text(r.match) || '*')), el('td', {}, r.action), el('td', {}, r.source),
      el('td', {class: 'num'}, r.hits ? `${r.hits.packets} pkts, ${r.hits.bytes} B` : ''),
      el('td', {class: 'warnings'}, (r.warnings || []).join('; ')),
      el('td', {}, r.source === 'config' ? '' : el('button', {class: 'delete', 'data-rule': r.name,
        onclick: async () => {
          try {
            await send('DELETE', '/acl/rules/' + encodeURIComponent(r.name));
            renderAcl(view, {text: `rule ${r.name} deleted`});
          } catch (e) {
            renderAcl(view, {text: e.message, error: true});
          }
        }}, 'delete')))));
}

/** A `changed: acl/rules` event: the rules table and its count are read again; the form keeps what is typed. */
async function refreshAclRules(view) {
  if (!document.getElementById('acl-rules')) return;
  let rules;
  try {
    rules = items(await get('/acl/rules'));
  } catch (e) {
    return; // the next event or a reload tells
  }
  const table = document.getElementById('acl-rules');
  if (!table) return;
  table.replaceWith(aclTable(view, rules));
  fill('acl-count', `ACL rules: ${rules.length}`);
}

async function renderAcl(view, message) {
  let rules;
  try {
    rules = items(await get('/acl/rules'));
  } catch (e) {
    view.replaceChildren(el('h1', {}, 'ACL rules'), el('p', {class: 'error'}, e.message));
    return;
  }
  const status = el('p', {id: 'acl-status', class: message && message.error ? 'error' : ''},
    message ? message.text : '');
  const input = (name, attrs) => el('input', Object.assign({name, id: 'acl-' + name}, attrs || {}));
  const form = el('form', {id: 'acl-form', class: 'acl-form'},
    el('label', {}, 'name ', input('name', {required: '', size: 16})),
    el('label', {}, ' priority ', input('priority', {type: 'number', value: 100, min: 0, size: 6})),
    el('label', {}, ' bridge ', input('bridge', {size: 10, placeholder: 'all'})),
    el('label', {}, ' match ', input('match', {size: 34, placeholder: 'ip-proto=tcp, tcp-dst=22'})),
    el('label', {}, ' action ', el('select', {name: 'action', id: 'acl-action'},
      el('option', {value: 'drop'}, 'drop'), el('option', {value: 'allow'}, 'allow'))),
    ' ', el('button', {type: 'submit', id: 'acl-add'}, 'add rule'));
  form.addEventListener('submit', async ev => {
    ev.preventDefault();
    const f = new FormData(form);
    try {
      const rule = {name: f.get('name').trim(), priority: Number(f.get('priority')),
        match: parseMatch(f.get('match')), action: f.get('action')};
      if (f.get('bridge').trim()) rule.bridge = f.get('bridge').trim();
      await send('POST', '/acl/rules', rule);
      renderAcl(view, {text: `rule ${rule.name} added`});
    } catch (e) {
      renderAcl(view, {text: e.message, error: true});
    }
  });
  const token = el('input', {id: 'acl-token', type: 'password', size: 20, placeholder: 'REST token (if required)',
    value: sessionStorage.getItem('switchboard-token') || ''});
  token.addEventListener('change', () => sessionStorage.setItem('switchboard-token', token.value.trim()));
  view.replaceChildren(
    el('h1', {id: 'acl-count'}, `ACL rules: ${rules.length}`),
    aclTable(view, rules),
    el('h2', {}, 'Add a rule'), form, el('p', {}, token), status);
}

// ---- trace

function drawTrace(t) {
  const W = 1000, rowH = 150, boxW = 148, gap = 16;
  const H = 40 + t.hops.length * rowH + 90;
  const svg = el('svg:svg', {class: 'trace', viewBox: `0 0 ${W} ${H}`, role: 'img', 'aria-label': 'trace'});
  svg.append(el('svg:defs', {}, el('svg:marker', {id: 'arrow', viewBox: '0 0 10 10', refX: 9, refY: 5,
    markerWidth: 7, markerHeight: 7, orient: 'auto-start-reverse'}, el('svg:path', {d: 'M 0 0 L 10 5 L 0 10 z'}))));
  const tunnels = t.outcome.filter(o => o.kind === 'tunnel');
  const finals = t.outcome.filter(o => o.kind !== 'tunnel');
  let lastEnd = null;
  t.hops.forEach((hop, i) => {
    const y = 30 + i * rowH;
    const g = el('svg:g', {class: 'hop', 'data-dpid': hop.dpid, 'data-bridge': hop.bridge});
    g.append(el('svg:text', {x: 10, y: y + 4, class: 'hop-label'},
      `${hop.bridge} (${hop.dpid.slice(-5)}), in on ${hop['in-port']}`));
    hop.steps.forEach((st, k) => {
      const x = 10 + k * (boxW + gap), by = y + 16;
      const f = st.flow;
      const step = el('svg:g', {class: 'step' + (f ? '' : ' miss'), 'data-stage': st.stage || ('table ' + st.table)},
        el('svg:title', {}, f ? `${text(f.match) || '*'} -> ${text(f.actions)}` : st.result),
        el('svg:rect', {x, y: by, width: boxW, height: 58, rx: 6}),
        el('svg:text', {x: x + boxW / 2, y: by + 18, 'text-anchor': 'middle'}, st.stage || ('table ' + st.table)),
        el('svg:text', {x: x + boxW / 2, y: by + 34, 'text-anchor': 'middle'},
          f ? `prio ${f.priority} · ${f.app}` : 'no match'),
        el('svg:text', {x: x + boxW / 2, y: by + 50, 'text-anchor': 'middle'},
          f ? (f.rule || f.reason || (f.actions || []).slice(-1)[0] || '') : 'dropped'));
      if (k > 0) {
        g.append(el('svg:line', {class: 'flowline', x1: x - gap, y1: by + 29, x2: x - 2, y2: by + 29,
          'marker-end': 'url(#arrow)'}));
      }
      g.append(step);
    });
    const endX = 10 + Math.max(hop.steps.length, 1) * (boxW + gap) - gap;
    lastEnd = {x: endX, y: y + 45};
    svg.append(g);
    if (i + 1 < t.hops.length) {
      const tun = tunnels[i] || {summary: 'to ' + t.hops[i + 1].bridge};
      svg.append(el('svg:g', {class: 'tunnel-hop', 'data-kind': 'tunnel'},
        el('svg:path', {class: 'tunnel', fill: 'none', 'marker-end': 'url(#arrow)',
          d: `M ${endX} ${y + 45} C ${endX + 60} ${y + 100}, 60 ${y + 90}, 60 ${y + rowH + 14}`}),
        el('svg:text', {x: 90, y: y + rowH - 22}, tun.summary)));
    }
  });
  const oy = 40 + t.hops.length * rowH;
  finals.forEach((o, k) => {
    const ox = 10 + k * 330;
    svg.append(el('svg:g', {class: 'outcome ' + o.kind, 'data-kind': o.kind},
      el('svg:rect', {x: ox, y: oy, width: 320, height: 34, rx: 17}),
      el('svg:text', {x: ox + 160, y: oy + 21, 'text-anchor': 'middle'}, o.summary)));
    if (lastEnd && k === 0) {
      svg.append(el('svg:line', {class: 'flowline', x1: lastEnd.x, y1: lastEnd.y, x2: ox + 160, y2: oy - 2,
        'marker-end': 'url(#arrow)'}));
    }
  });
  return svg;
}

function renderTrace(view, state) {
  state = state || {};
  const bridges = (topology && topology.bridges) || [];
  const form = el('form', {id: 'trace-form', class: 'acl-form'},
    el('label', {}, 'bridge ', el('select', {name: 'bridge', id: 'trace-bridge'},
      bridges.map(b => el('option', Object.assign({value: b.dpid}, state.bridge === b.dpid ? {selected: ''} : {}),
        `${b.name} (${b.dpid})`)))),
    el('label', {}, ' in-port ', el('input', {name: 'in-port', id: 'trace-in-port', size: 12, required: '',
      value: state.inPort || ''})),
    el('label', {}, ' fields ', el('input', {name: 'fields', id: 'trace-fields', size: 44,
      placeholder: 'ipv4-dst=192.168.2.2, ip-proto=icmp', value: state.fields || ''})),
    ' ', el('button', {type: 'submit', id: 'trace-run'}, 'trace'));
  form.addEventListener('submit', async ev => {
    ev.preventDefault();
    const f = new FormData(form);
    const next = {bridge: f.get('bridge'), inPort: f.get('in-port').trim(), fields: f.get('fields')};
    try {
      const body = Object.assign({bridge: next.bridge, 'in-port': next.inPort}, parseMatch(next.fields));
      next.result = await send('POST', '/trace', body);
    } catch (e) {
      next.error = e.message;
    }
    renderTrace(view, next);
  });
  const out = [];
  if (state.error) out.push(el('p', {id: 'trace-status', class: 'error'}, state.error));
  if (state.result) {
    const t = state.result;
    out.push(el('p', {id: 'trace-status'}, t.outcome.map(o => o.summary).join('; ')), drawTrace(t),
      el('h2', {}, 'Steps'),
      el('table', {class: 'steps'}, el('tr', {}, ['bridge', 'stage', 'entry', 'packet after', 'notes'].map(h =>
        el('th', {}, h))), t.hops.flatMap(h => h.steps.map(st => el('tr', {},
        el('td', {}, h.bridge), el('td', {}, st.stage || st.table),
        el('td', {}, el('code', {}, st.flow ? `prio ${st.flow.priority} ${text(st.flow.match) || '*'} -> `
          + `${text(st.flow.actions)} (${st.flow.app})` : st.result)),
        el('td', {}, el('code', {}, text(st['packet-after']))), el('td', {}, text(st.notes)))))));
  }
  view.replaceChildren(el('h1', {}, 'Trace a packet'), el('p', {},
    'The controller walks its pipeline stage by stage, across hosts through the tunnels, as the CLI\'s trace does.'),
    form, ...out);
}

// ---- cluster, endpoints, config

async function optional(path) {
  try { return await get(path); } catch (e) { return {error: e.message}; }
}

function endpointsTable(eps) {
  return eps.error ? el('p', {}, eps.error) : el('table', {class: 'endpoints'},
    el('tr', {}, ['name', 'network', 'host', 'port', 'mac', 'ip', 'state', 'source'].map(h => el('th', {}, h))),
    items(eps).map(e => el('tr', {class: 'endpoint-row', 'data-endpoint': e.name},
      el('td', {}, e.name), el('td', {}, e.network), el('td', {}, e.host), el('td', {}, e.port),
      el('td', {}, el('code', {}, e.mac)), el('td', {}, e.ip),
      el('td', {}, e.state + (e.reason ? ': ' + e.reason : '')), el('td', {}, e.source))));
}

function leasesTable(leases) {
  if (leases.error) return el('p', {}, leases.error);
  const rows = items(leases);
  if (!rows.length) return el('p', {}, 'none: no DHCP client has been given an address');
  return el('table', {class: 'leases'},
    el('tr', {}, ['endpoint', 'network', 'ip', 'mac', 'hostname', 'expires'].map(h => el('th', {}, h))),
    rows.map(l => el('tr', {class: 'lease-row', 'data-endpoint': l.endpoint, 'data-ip': l.ip},
      el('td', {}, l.endpoint), el('td', {}, l.network), el('td', {}, l.ip), el('td', {}, el('code', {}, l.mac)),
      el('td', {}, l.hostname || ''), el('td', {}, `${l.expires} (in ${l['expires-in-seconds']} s)`))));
}

function configText(cfg) {
  if (cfg.error) return el('p', {class: 'error'}, cfg.error);
  return el('div', {},
    cfg['restart-required'] && cfg['restart-required'].length ? el('p', {class: 'warnings'},
      'in the file, waiting for a restart: ' + cfg['restart-required'].join(', ')) : null,
    cfg.text === null || cfg.text === undefined ? el('p', {}, cfg.note || 'not known')
      : el('pre', {id: 'config-text', class: 'config'}, cfg.text));
}

/** A `changed` event on the system page: the endpoints or leases are read again. */
async function refreshSystem(resource) {
  if (resource === 'overlay/endpoints' && document.getElementById('system-endpoints')) {
    fill('system-endpoints', endpointsTable(await optional('/overlay/endpoints')));
  } else if (resource === 'overlay/leases' && document.getElementById('system-leases')) {
    fill('system-leases', leasesTable(await optional('/overlay/leases')));
  }
}

async function renderSystem(view, planState) {
  const [cluster, eps, leases, health, running] = await Promise.all([optional('/cluster'),
    optional('/overlay/endpoints'), optional('/overlay/leases'), optional('/health'), optional('/config')]);
  const bridges = (topology && topology.bridges) || [];
  const cfg = (health && health.config) || {};
  const yaml = el('textarea', {id: 'plan-yaml', rows: 12, cols: 90, placeholder: 'paste a config (YAML) to see '
    + 'what it would change on every bridge'}, (planState && planState.yaml) || '');
  const plan = el('button', {id: 'plan-run', onclick: async () => {
    const next = {yaml: yaml.value};
    try {
      next.result = await send('POST', '/config/plan', yaml.value, 'application/yaml');
    } catch (e) {
      next.error = e.message;
    }
    renderSystem(view, next);
  }}, 'plan');
  const planOut = [];
  if (planState && planState.error) planOut.push(el('pre', {id: 'plan-status', class: 'error'}, planState.error));
  if (planState && planState.result) {
    const rows = items(planState.result.bridges);
    planOut.push(el('p', {id: 'plan-status'}, rows.every(b => !b.add.length && !b.modify.length && !b.delete.length)
      ? 'no bridge would change' : 'what applying it would change:'),
    el('table', {class: 'plan'}, el('tr', {}, ['bridge', 'change', 'stage', 'priority', 'match', 'actions', 'app']
      .map(h => el('th', {}, h))),
    rows.flatMap(b => ['add', 'modify', 'delete'].flatMap(kind => b[kind].map(f => el('tr',
      {class: 'plan-row ' + kind, 'data-bridge': b.bridge, 'data-kind': kind},
      el('td', {}, `${b.bridge} (${b.dpid.slice(-5)})`), el('td', {}, kind), el('td', {}, f.stage),
      el('td', {class: 'num'}, f.priority), el('td', {}, el('code', {}, text(f.match) || '*')),
      el('td', {}, el('code', {}, text(f.actions))), el('td', {}, f.app || '')))))));
  }
  view.replaceChildren(
    el('h1', {}, 'Cluster, endpoints, config'),
    el('h2', {}, 'Cluster members'),
    cluster.error ? el('p', {class: 'error'}, cluster.error) : el('div', {},
      cluster.note ? el('p', {}, cluster.note) : null,
      el('table', {class: 'members'}, el('tr', {}, ['member', 'this instance'].map(h => el('th', {}, h))),
        items(cluster.members).map(m => el('tr', {class: 'member'}, el('td', {}, m.address || m.name || text(m)),
          el('td', {}, m.local ? 'yes' : ''))))),
    el('h2', {}, 'Who masters what'),
    el('table', {class: 'masters'}, el('tr', {}, ['bridge', 'dpid', 'master', 'role here'].map(h => el('th', {}, h))),
      bridges.map(b => el('tr', {class: 'master-row', 'data-dpid': b.dpid}, el('td', {}, b.name),
        el('td', {}, el('code', {}, b.dpid)), el('td', {}, b.master), el('td', {}, b.role)))),
    el('h2', {}, 'Endpoints'),
    el('div', {id: 'system-endpoints'}, endpointsTable(eps)),
    el('h2', {}, 'DHCP leases'),
    el('div', {id: 'system-leases'}, leasesTable(leases)),
    el('h2', {}, 'Running config'),
    el('p', {id: 'config-file'}, cfg.file ? `${cfg.file}; last reload ${cfg['last-reload'] || 'none'}`
      + (cfg['last-reload-ok'] === false ? ` (refused: ${cfg['last-reload-error']})` : '')
      : 'the built-in defaults (no config file)'),
    configText(running),
    el('h2', {}, 'Plan a config'), yaml, el('p', {}, plan), ...planOut);
}

// ---- routing and live updates

function route() {
  const view = document.getElementById('view');
  clearInterval(refreshTimer);
  const m = location.hash.match(/^#\/bridge\/(.+)$/);
  if (m) {
    const dpid = decodeURIComponent(m[1]);
    renderBridge(view, dpid);
    refreshTimer = setInterval(() => refreshBridgeFlows(dpid), 5000); // packet and byte counters
  } else if (location.hash === '#/acl') {
    renderAcl(view);
  } else if (location.hash === '#/system') {
    if (topology) renderSystem(view);
    else get('/topology').then(t => { topology = t; renderSystem(view); });
  } else if (location.hash === '#/trace') {
    if (topology) renderTrace(view);
    else get('/topology').then(t => { topology = t; renderTrace(view); });
  } else if (topology) {
    renderTopology(view, topology);
  } else {
    Promise.all([get('/topology'), readEndpoints()]).then(([t]) => { topology = t; route(); })
      .catch(e => view.replaceChildren(el('p', {class: 'error'}, e.message)));
  }
}

function onTopologyPage() {
  return !location.hash.match(/^#\/bridge\//) && !['#/acl', '#/trace', '#/system'].includes(location.hash);
}

/** What a `changed` event asks of the page shown. */
async function changed(resource) {
  const view = document.getElementById('view');
  const m = location.hash.match(/^#\/bridge\/(.+)$/);
  if (resource === 'acl/rules' && location.hash === '#/acl') {
    refreshAclRules(view);
  } else if (resource === 'hosts' && m) {
    refreshBridgeHosts(decodeURIComponent(m[1]));
  } else if (resource === 'overlay/endpoints') {
    await readEndpoints();
    if (onTopologyPage() && topology) renderTopology(view, topology);
    else if (location.hash === '#/system') refreshSystem(resource);
  } else if (resource === 'overlay/leases' && location.hash === '#/system') {
    refreshSystem(resource);
  }
}

function listen() {
  const live = document.getElementById('live');
  const events = new EventSource(API + '/events');
  let lost = false;
  events.onopen = () => {
    live.className = 'live on';
    live.textContent = 'live';
    if (lost) { // changes made while the stream was down were not told: read the page again
      lost = false;
      readEndpoints().then(route);
    }
  };
  events.onerror = () => { live.className = 'live off'; live.textContent = 'reconnecting'; lost = true; };
  events.addEventListener('changed', e => changed(JSON.parse(e.data).resource));
  events.addEventListener('topology', async e => {
    topology = JSON.parse(e.data);
    await readEndpoints(); // an endpoint's binding follows its port
    const m = location.hash.match(/^#\/bridge\/(.+)$/);
    if (m) refreshBridgeSwitch(document.getElementById('view'), decodeURIComponent(m[1]));
    else if (!['#/acl', '#/trace', '#/system'].includes(location.hash)) {
      renderTopology(document.getElementById('view'), topology);
    }
  });
}

window.addEventListener('hashchange', route);
route();
listen();
