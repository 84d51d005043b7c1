// The dispatcher's sessions page: fetches sessions.json and summary.json every 2 s and renders
// them. Everything shown comes from SIP messages and relays, so it goes into the page as text
// (textContent), never as markup.
"use strict";

const REFRESH_MS = 2000;
const FETCH_TIMEOUT_MS = 10000;

let lastSuccess = null;

function element(tag, text, className) {
  const node = document.createElement(tag);
  if (text !== undefined && text !== null) {
    node.textContent = String(text);
  }
  if (className) {
    node.className = className;
  }
  return node;
}

function clock(date) {
  return [date.getHours(), date.getMinutes(), date.getSeconds()]
    .map((part) => String(part).padStart(2, "0")).join(":");
}

function duration(seconds) {
  const s = Math.max(0, Math.floor(Number(seconds) || 0));
  const minutes = String(Math.floor(s / 60) % 60).padStart(2, "0");
  return Math.floor(s / 3600) + ":" + minutes + ":" + String(s % 60).padStart(2, "0");
}

function uptime(seconds) {
  const s = Math.max(0, Math.floor(Number(seconds) || 0));
  const days = Math.floor(s / 86400);
  return (days > 0 ? days + "d " : "") + duration(s % 86400);
}

function count(value) {
  return (Number(value) || 0).toLocaleString("en-US");
}

function bytes(value) {
  let amount = Number(value) || 0;
  if (amount < 1024) {
    return amount + " B";
  }
  const units = ["KiB", "MiB", "GiB", "TiB"];
  let unit = -1;
  while (amount >= 1024 && unit < units.length - 1) {
    amount /= 1024;
    unit++;
  }
  return amount.toFixed(1) + " " + units[unit];
}

function bandwidth(bitsPerSecond) {
  const bps = Number(bitsPerSecond) || 0;
  if (bps < 1000) {
    return bps.toFixed(0) + " bit/s";
  }
  if (bps < 1000000) {
    return (bps / 1000).toFixed(1) + " kbit/s";
  }
  return (bps / 1000000).toFixed(2) + " Mbit/s";
}

function hostOf(hostPort) {
  const text = String(hostPort || "");
  const colon = text.lastIndexOf(":");
  return colon > 0 ? text.substring(0, colon) : (text || "-");
}

function badge(status) {
  const tone = { "active": "good", "on hold": "warn", "halting": "warn", "error": "bad" }[status]
    || (/timeout|rejected|error/.test(status) ? "bad" : "");
  return element("span", status, "badge" + (tone ? " " + tone : ""));
}

function partyCell(uri, agent) {
  const cell = element("td");
  cell.append(element("span", uri || "?", "uri"));
  if (agent && agent !== "Unknown") {
    cell.append(element("span", agent, "agent"));
  }
  return cell;
}

function emptyRow(table, columns, text) {
  const row = element("tr");
  const cell = element("td", text, "empty");
  cell.colSpan = columns;
  row.append(cell);
  table.append(row);
}

function renderSessions(sessions) {
  const body = document.querySelector("#sessions tbody");
  body.replaceChildren();
  for (const session of sessions) {
    const streams = Array.isArray(session.streams) ? session.streams : [];
    const types = new Set();
    const codecs = new Set();
    const statuses = new Set();
    let packets = 0;
    let octets = 0;
    let relay = "-";
    for (const stream of streams) {
      types.add(stream.media_type);
      const caller = stream.caller_codec || "Unknown";
      const callee = stream.callee_codec || "Unknown";
      codecs.add(caller === callee ? caller : caller + "/" + callee);
      statuses.add(stream.status);
      packets += (Number(stream.caller_packets) || 0) + (Number(stream.callee_packets) || 0);
      octets += (Number(stream.caller_bytes) || 0) + (Number(stream.callee_bytes) || 0);
      if (relay === "-") {
        relay = hostOf(stream.caller_local);
      }
    }
    const row = element("tr");
    row.title = "Call-ID " + session.call_id;
    const caller = partyCell(session.from_uri, session.caller_ua);
    caller.append(element("span", session.call_id, "call-id"));
    row.append(
      caller,
      partyCell(session.to_uri, session.callee_ua),
      element("td", relay, "relay"),
      element("td", types.size ? [...types].join(", ") : "-"),
      element("td", codecs.size ? [...codecs].join(", ") : "-", "codecs"),
      element("td", duration(session.duration), "number"),
      element("td", count(packets), "number"),
      element("td", bytes(octets), "number"));
    const status = element("td");
    if (statuses.size) {
      statuses.forEach((value) => status.append(badge(value)));
    } else {
      status.append(element("span", "no answer yet", "badge"));
    }
    row.append(status);
    body.append(row);
  }
  if (!sessions.length) {
    emptyRow(body, 9, "No sessions.");
  }
  document.getElementById("session-count").textContent = "(" + sessions.length + ")";
}

function renderRelays(relays) {
  const body = document.querySelector("#relays tbody");
  body.replaceChildren();
  for (const relay of relays) {
    const row = element("tr");
    if (relay.status === "error") {
      const status = element("td");
      status.append(badge("error"), element("span", "no answer", "agent"));
      row.append(element("td", relay.ip), element("td", "-"), status, element("td", "-"),
        element("td", "-", "number"), element("td", "-"), element("td", "-", "number"));
    } else {
      const status = element("td");
      status.append(badge(relay.status));
      const streams = Object.entries(relay.stream_count || {}).map(([type, n]) => n + " " + type);
      row.append(
        element("td", relay.ip),
        element("td", relay.version),
        status,
        element("td", uptime(relay.uptime)),
        element("td", count(relay.session_count), "number"),
        element("td", streams.length ? streams.join(", ") : "0"),
        element("td", bandwidth(relay.bps_relayed), "number"));
    }
    body.append(row);
  }
  if (!relays.length) {
    emptyRow(body, 7, "No relay is connected.");
  }
  document.getElementById("relay-count").textContent = "(" + relays.length + ")";
}

async function fetchJson(path) {
  const abort = new AbortController();
  const timer = setTimeout(() => abort.abort(), FETCH_TIMEOUT_MS);
  try {
    const response = await fetch(path, { cache: "no-store", signal: abort.signal });
    const text = await response.text();
    let json;
    try {
      json = JSON.parse(text);
    } catch (e) {
      throw new Error(path + ": HTTP " + response.status + ", not JSON");
    }
    if (!response.ok) {
      throw new Error(json && json.error ? json.error : path + ": HTTP " + response.status);
    }
    if (!Array.isArray(json)) {
      throw new Error(path + ": expected a list");
    }
    return json;
  } catch (e) {
    throw new Error(e.name === "AbortError" ? path + ": no answer within " + FETCH_TIMEOUT_MS / 1000 + " s"
      : e.message === "Failed to fetch" ? "the dispatcher cannot be reached" : e.message);
  } finally {
    clearTimeout(timer);
  }
}

function showError(message) {
  const banner = document.getElementById("error");
  const shown = lastSuccess ? "showing data from " + clock(lastSuccess) : "no data yet";
  banner.textContent = "Cannot refresh: " + message + " (" + shown + ").";
  banner.hidden = false;
  document.getElementById("content").classList.add("stale");
}

function clearError() {
  document.getElementById("error").hidden = true;
  document.getElementById("content").classList.remove("stale");
}

async function refresh() {
  try {
    const [relays, sessions] = await Promise.all([fetchJson("summary.json"), fetchJson("sessions.json")]);
    renderRelays(relays);
    renderSessions(sessions);
    lastSuccess = new Date();
    document.getElementById("updated").textContent = "Last updated " + clock(lastSuccess);
    clearError();
  } catch (e) {
    showError(e.message);
  } finally {
    // The next refresh starts 2 s after this one ended, so a slow dispatcher is never asked twice at once.
    setTimeout(refresh, REFRESH_MS);
  }
}

refresh();
