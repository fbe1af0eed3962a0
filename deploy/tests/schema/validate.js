// Checks rendered Kubernetes manifests (multi-document YAML files given as arguments):
//  1. every object against its schema: the built-in kinds with kubernetes-models, the Prometheus
//     operator's ServiceMonitor with @kubernetes-models/prometheus-operator (types, required
//     fields, enums, formats; these schemas do not reject unknown fields);
//  2. the "restricted" Pod Security Standard on every pod template, Secrets mounted 0400, and a
//     termination grace period longer than the daemon's drain plus shutdown grace, and a
//     memory limit (equal to the request) at least the daemon's memory bound for its flags.
// Prints one line per problem, naming the file, the object and the field; exits 1 if any.
"use strict";
const fs = require("fs");
const YAML = require("yaml");

function modelFor(apiVersion, kind) {
  const [group, version] = apiVersion.includes("/") ? apiVersion.split("/") : ["", apiVersion];
  const modules = group === "monitoring.coreos.com"
    ? [`@kubernetes-models/prometheus-operator/${group}/${version}`]
    : [`kubernetes-models/${group ? group + "/" : ""}${version}`];
  for (const name of modules) {
    try {
      const model = require(name)[kind];
      if (model) return model;
    } catch (error) {
      if (error.code !== "MODULE_NOT_FOUND") throw error;
    }
  }
  return null;
}

function schemaProblems(object) {
  const Model = modelFor(object.apiVersion || "", object.kind || "");
  if (!Model) return [`no schema for apiVersion ${object.apiVersion} kind ${object.kind}`];
  try {
    new Model(object).validate();
    return [];
  } catch (error) {
    return [error.message.replace(/^data/, "")];
  }
}

// Flags of the daemon, from the rendered flag-file ConfigMap ("--name=value" lines).
function daemonFlags(objects) {
  const flags = {};
  for (const o of objects) {
    if (o.kind !== "ConfigMap" || !o.metadata.name.startsWith("pluton-storaged-flags")) continue;
    for (const line of (o.data.flags || "").split("\n")) {
      const match = /^--([a-z_]+)(?:=(.*))?$/.exec(line.trim());
      if (match) flags[match[1]] = match[2] === undefined ? "true" : match[2];
    }
  }
  return flags;
}

// A Kubernetes memory quantity in MiB ("768Mi", "1Gi", "805306368"); null when absent or odd.
function memoryMib(quantity) {
  const match = /^([0-9]+)(Ki|Mi|Gi)?$/.exec(String(quantity || ""));
  if (!match) return null;
  const scale = { Ki: 1 / 1024, Mi: 1, Gi: 1024 }[match[2]] ?? 1 / (1024 * 1024);
  return Number(match[1]) * scale;
}

function podProblems(pod, flags) {
  const problems = [];
  const need = (ok, what) => { if (!ok) problems.push(what); };
  const podContext = pod.securityContext || {};
  need(podContext.runAsNonRoot === true, "spec.template.spec.securityContext.runAsNonRoot must be true");
  need((podContext.seccompProfile || {}).type === "RuntimeDefault",
       "spec.template.spec.securityContext.seccompProfile.type must be RuntimeDefault");
  for (const c of [...(pod.initContainers || []), ...pod.containers]) {
    const at = `container ${c.name}: securityContext`;
    const sc = c.securityContext || {};
    need(sc.allowPrivilegeEscalation === false, `${at}.allowPrivilegeEscalation must be false`);
    need(sc.readOnlyRootFilesystem === true, `${at}.readOnlyRootFilesystem must be true`);
    need(sc.privileged !== true, `${at}.privileged must not be true`);
    const caps = sc.capabilities || {};
    need((caps.drop || []).includes("ALL"), `${at}.capabilities.drop must include ALL`);
    need((caps.add || []).every((cap) => cap === "NET_BIND_SERVICE"),
         `${at}.capabilities.add may only hold NET_BIND_SERVICE`);
    for (const probe of ["livenessProbe", "readinessProbe", "startupProbe"]) {
      need(c[probe] && c[probe].grpc, `container ${c.name}: ${probe} must be a native grpc probe`);
    }
  }
  for (const v of pod.volumes || []) {
    if (v.secret) {
      need(v.secret.defaultMode === 0o400, `volume ${v.name}: secret defaultMode must be 0400`);
    }
    need(!v.hostPath, `volume ${v.name}: hostPath is not allowed`);
  }
  // The daemon's memory bound (README "Memory bound"; defaults as in pluton-storaged):
  // 64 MiB + budget + uploads x (read window + stream window + 2 x 4 MiB).
  const mib = (name, fallback) => Number(flags[name] || fallback);
  const boundMib = 64 + mib("upload_buffer_budget_mib", 256) +
      mib("max_concurrent_uploads", 64) *
      ((mib("upload_read_window_kib", 2048) + mib("upload_stream_window_kib", 2048)) / 1024 + 8);
  for (const c of pod.containers) {
    if (c.name !== "pluton-storaged") continue;
    const resources = c.resources || {};
    const limit = memoryMib((resources.limits || {}).memory);
    need(limit !== null && limit >= boundMib,
         `container ${c.name}: resources.limits.memory must be at least the daemon's memory ` +
         `bound for its flags, ${boundMib} MiB (deploy/README.md "Sizing memory")`);
    need(memoryMib((resources.requests || {}).memory) === limit,
         `container ${c.name}: resources.requests.memory must equal the limit`);
  }
  const drain = Number(flags.drain_seconds || 5);
  const grace = Number(flags.shutdown_grace_seconds || 30);
  const cutoffMargin = 2;  // what calls cut off at the end of the grace period have to end
  need((pod.terminationGracePeriodSeconds || 30) > drain + grace + cutoffMargin,
       `spec.template.spec.terminationGracePeriodSeconds must exceed --drain_seconds (${drain}) ` +
       `+ --shutdown_grace_seconds (${grace}) + the ${cutoffMargin} s cut-off margin`);
  return problems;
}

let failures = 0;
for (const file of process.argv.slice(2)) {
  const documents = YAML.parseAllDocuments(fs.readFileSync(file, "utf8"));
  const objects = [];
  for (const document of documents) {
    if (document.errors.length) {
      console.log(`${file}: YAML: ${document.errors[0].message}`);
      failures++;
      continue;
    }
    const object = document.toJS();
    if (object) objects.push(object);
  }
  const flags = daemonFlags(objects);
  for (const object of objects) {
    const name = `${object.kind}/${(object.metadata || {}).name}`;
    let problems = schemaProblems(object);
    const pod = ((object.spec || {}).template || {}).spec;
    if (pod && !problems.length) problems = podProblems(pod, flags);
    for (const problem of problems) console.log(`${file}: ${name}: ${problem}`);
    failures += problems.length;
  }
  console.log(`${file}: ${objects.length} objects checked`);
}
process.exit(failures ? 1 : 0);
