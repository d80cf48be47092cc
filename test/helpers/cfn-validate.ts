/**
 * Validates a CloudFormation template (JSON) against the CloudFormation resource schemas as AWS publishes them,
 * from @aws-cdk/aws-service-spec (the AWS CDK's database of every CloudFormation resource type, its properties,
 * their types and which are required). Checks: the template's top-level sections; each resource's type exists;
 * every property is known, required properties are present, and values have the schema's shape (string,
 * number, boolean, list, object, nested types); Ref / Fn::GetAtt targets and attributes exist.
 */
import { loadAwsServiceSpec } from '@aws-cdk/aws-service-spec';

type SpecDb = Awaited<ReturnType<typeof loadAwsServiceSpec>>;
let db: Promise<SpecDb> | undefined;
const spec = () => (db ??= loadAwsServiceSpec());

const TOP_LEVEL = new Set(['AWSTemplateFormatVersion', 'Description', 'Metadata', 'Parameters', 'Rules', 'Mappings', 'Conditions', 'Transform', 'Resources', 'Outputs']);
const RESOURCE_KEYS = new Set(['Type', 'Properties', 'DependsOn', 'Condition', 'DeletionPolicy', 'UpdateReplacePolicy', 'Metadata', 'CreationPolicy', 'UpdatePolicy']);
const PSEUDO = new Set(['AWS::AccountId', 'AWS::NotificationARNs', 'AWS::NoValue', 'AWS::Partition', 'AWS::Region', 'AWS::StackId', 'AWS::StackName', 'AWS::URLSuffix']);

const isIntrinsic = (v: unknown) => v !== null && typeof v === 'object' && !Array.isArray(v) && Object.keys(v).length === 1 && /^(Ref|Fn::\w+)$/.test(Object.keys(v)[0]!);

export async function validateCloudFormation(template: Record<string, any>): Promise<string[]> {
  const errors: string[] = [];
  const database = await spec();
  for (const k of Object.keys(template)) if (!TOP_LEVEL.has(k)) errors.push(`unknown top-level section ${k}`);
  if (template.AWSTemplateFormatVersion !== undefined && template.AWSTemplateFormatVersion !== '2010-09-09') errors.push('AWSTemplateFormatVersion must be 2010-09-09');
  const resources: Record<string, any> = template.Resources ?? {};
  if (Object.keys(resources).length === 0) errors.push('Resources: at least one resource is required');
  const names = new Set([...Object.keys(resources), ...Object.keys(template.Parameters ?? {})]);

  const checkIntrinsics = (v: unknown, at: string): void => {
    if (Array.isArray(v)) return v.forEach((x, i) => checkIntrinsics(x, `${at}[${i}]`));
    if (v === null || typeof v !== 'object') return;
    const o = v as Record<string, unknown>;
    if ('Ref' in o && typeof o.Ref === 'string' && !names.has(o.Ref) && !PSEUDO.has(o.Ref)) errors.push(`${at}: Ref ${o.Ref} names nothing in the template`);
    if ('Fn::GetAtt' in o) {
      const [res, attr] = o['Fn::GetAtt'] as [string, string];
      const type = resources[res]?.Type;
      const r = type ? safeOnly(database, type) : undefined;
      if (!r) errors.push(`${at}: Fn::GetAtt names ${res}, not a resource`);
      else if (!(attr in (r.attributes ?? {}))) errors.push(`${at}: ${type} has no attribute ${attr}`);
    }
    if ('Fn::Sub' in o && typeof o['Fn::Sub'] === 'string') {
      for (const m of (o['Fn::Sub'] as string).matchAll(/\$\{([^}!]+)\}/g)) {
        const name = m[1]!.split('.')[0]!;
        if (!names.has(name) && !PSEUDO.has(m[1]!)) errors.push(`${at}: Fn::Sub names \${${m[1]}}, which is neither a resource, a parameter nor a pseudo parameter`);
      }
    }
    for (const [k, x] of Object.entries(o)) checkIntrinsics(x, `${at}.${k}`);
  };

  for (const [id, res] of Object.entries(resources)) {
    const at = `Resources.${id}`;
    for (const k of Object.keys(res)) if (!RESOURCE_KEYS.has(k)) errors.push(`${at}: unknown key ${k}`);
    const r = safeOnly(database, res.Type);
    if (!r) {
      errors.push(`${at}: ${res.Type} is not a CloudFormation resource type`);
      continue;
    }
    const typeDefs = new Map<string, any>();
    for (const t of database.follow('usesType', r)) typeDefs.set(t.entity.$id, t.entity);
    checkProperties(r.properties, res.Properties ?? {}, at + '.Properties', typeDefs, errors);
    checkIntrinsics(res.Properties, at + '.Properties');
  }
  checkIntrinsics(template.Outputs, 'Outputs');
  for (const [id, out] of Object.entries<any>(template.Outputs ?? {})) if (out.Value === undefined) errors.push(`Outputs.${id}: Value is required`);
  return errors;
}

function safeOnly(database: SpecDb, type: string) {
  const found = database.lookup('resource', 'cloudFormationType', 'equals', type);
  return found.length === 1 ? found[0] : undefined;
}

function checkProperties(props: Record<string, any>, values: Record<string, unknown>, at: string, typeDefs: Map<string, any>, errors: string[]): void {
  if (values === null || typeof values !== 'object' || Array.isArray(values)) {
    if (!isIntrinsic(values)) errors.push(`${at}: must be an object`);
    return;
  }
  for (const [name, p] of Object.entries(props)) if (p.required && values[name] === undefined) errors.push(`${at}: required property ${name} is missing`);
  for (const [name, v] of Object.entries(values)) {
    const p = props[name];
    if (!p) {
      errors.push(`${at}: unknown property ${name}`);
      continue;
    }
    checkType(p.type, v, `${at}.${name}`, typeDefs, errors);
  }
}

function checkType(type: any, v: unknown, at: string, typeDefs: Map<string, any>, errors: string[]): void {
  if (isIntrinsic(v)) return;
  switch (type.type) {
    case 'string':
      if (typeof v !== 'string') errors.push(`${at}: must be a string`);
      return;
    case 'integer':
    case 'number':
      if (typeof v !== 'number' && !(typeof v === 'string' && /^-?\d+(\.\d+)?$/.test(v))) errors.push(`${at}: must be a number`);
      return;
    case 'boolean':
      if (typeof v !== 'boolean' && v !== 'true' && v !== 'false') errors.push(`${at}: must be a boolean`);
      return;
    case 'json':
      if (v === null || typeof v !== 'object') errors.push(`${at}: must be a JSON object`);
      return;
    case 'array':
      if (!Array.isArray(v)) errors.push(`${at}: must be a list`);
      else v.forEach((x, i) => checkType(type.element, x, `${at}[${i}]`, typeDefs, errors));
      return;
    case 'map':
      if (v === null || typeof v !== 'object' || Array.isArray(v)) errors.push(`${at}: must be a map`);
      else for (const [k, x] of Object.entries(v)) checkType(type.element, x, `${at}.${k}`, typeDefs, errors);
      return;
    case 'union': {
      const ok = (type.types as any[]).some((t) => {
        const e: string[] = [];
        checkType(t, v, at, typeDefs, e);
        return e.length === 0;
      });
      if (!ok) errors.push(`${at}: matches none of its allowed types`);
      return;
    }
    case 'ref': {
      const def = typeDefs.get(type.reference.$ref);
      if (!def) errors.push(`${at}: unknown nested type`);
      else checkProperties(def.properties, v as Record<string, unknown>, at, typeDefs, errors);
      return;
    }
    default:
      return; // date-time, tag, null: not used by amigov's templates
  }
}
