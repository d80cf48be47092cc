/** DescribeImageReferences in the sandbox: SSM parameters and Image Builder recipes, the 10-id limit, pagination. */
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { DescribeImageReferencesCommand, paginateDescribeImageReferences } from '@aws-sdk/client-ec2';
import type { EC2Client } from '@aws-sdk/client-ec2';
import { startSandbox, demoOrg, DEMO_ACCOUNTS, DEMO_IMAGES } from '../../src/sandbox/index.ts';
import type { RunningSandbox } from '../../src/sandbox/index.ts';
import type { OrgFixture } from '../../src/sandbox/fixture-types.ts';
import { assume, ec2, rejection } from './helpers.ts';

const A = DEMO_ACCOUNTS;
const IMG = DEMO_IMAGES.stranger.imageId;

function fixture(): OrgFixture {
  const fx = structuredClone(demoOrg);
  fx.imageReferences = [
    ...(fx.imageReferences ?? []).filter((r) => r.imageId !== IMG),
    { resourceType: 'ssm:Parameter', accountId: A.prod, region: 'us-east-1', name: '/test/stranger-ami', imageId: IMG },
    { resourceType: 'imagebuilder:ImageRecipe', accountId: A.prod, region: 'us-east-1', name: 'web/1.0.0', imageId: IMG },
    { resourceType: 'imagebuilder:ContainerRecipe', accountId: A.prod, region: 'us-east-1', name: 'svc/2.0.0', imageId: IMG },
    ...Array.from({ length: 7 }, (_, i) => ({ resourceType: 'ssm:Parameter' as const, accountId: A.prod, region: 'us-east-1', name: `/test/p${i}`, imageId: IMG })),
    // Another region: not this caller's answer.
    { resourceType: 'ssm:Parameter', accountId: A.prod, region: 'eu-west-1', name: '/test/elsewhere', imageId: IMG },
  ];
  return fx;
}

describe('sandbox DescribeImageReferences: resources outside EC2', () => {
  let sb: RunningSandbox;
  let prod: EC2Client;
  before(async () => {
    sb = await startSandbox({ fixture: fixture() });
    prod = ec2(sb, { credentials: await assume(sb, A.prod) });
  });
  after(() => sb.close());

  it('answers SSM parameters and Image Builder recipes with their ARNs, only for the types asked', async () => {
    const out = await prod.send(
      new DescribeImageReferencesCommand({
        ImageIds: [IMG],
        ResourceTypes: [{ ResourceType: 'imagebuilder:ImageRecipe' }, { ResourceType: 'imagebuilder:ContainerRecipe' }, { ResourceType: 'ssm:Parameter' }],
      }),
    );
    const arns = out.ImageReferences!.map((r) => `${r.ResourceType} ${r.Arn} ${r.ImageId}`);
    assert.ok(arns.includes(`ssm:Parameter arn:aws:ssm:us-east-1:${A.prod}:parameter/test/stranger-ami ${IMG}`), arns.join('\n'));
    assert.ok(arns.includes(`imagebuilder:ImageRecipe arn:aws:imagebuilder:us-east-1:${A.prod}:image-recipe/web/1.0.0 ${IMG}`));
    assert.ok(arns.includes(`imagebuilder:ContainerRecipe arn:aws:imagebuilder:us-east-1:${A.prod}:container-recipe/svc/2.0.0 ${IMG}`));
    assert.equal(out.ImageReferences!.filter((r) => r.ResourceType?.startsWith('ec2:')).length, 0, 'instances and templates were not asked for');
    assert.ok(!arns.some((a) => a.includes('elsewhere')), 'another region is not this answer');
    const all = await prod.send(new DescribeImageReferencesCommand({ ImageIds: [IMG], IncludeAllResourceTypes: true }));
    assert.ok(all.ImageReferences!.some((r) => r.ResourceType === 'ec2:Instance') && all.ImageReferences!.some((r) => r.ResourceType === 'ssm:Parameter'));
  });

  it('pages with MaxResults and NextToken, and refuses more than 10 image ids and unknown types', async () => {
    const pages: number[] = [];
    const seen: string[] = [];
    for await (const page of paginateDescribeImageReferences({ client: prod, pageSize: 5 }, { ImageIds: [IMG], ResourceTypes: [{ ResourceType: 'ssm:Parameter' }] })) {
      pages.push(page.ImageReferences!.length);
      seen.push(...page.ImageReferences!.map((r) => r.Arn!));
    }
    assert.deepEqual(pages, [5, 3]);
    assert.equal(new Set(seen).size, 8);
    const ids = Array.from({ length: 11 }, (_, i) => `ami-${String(i).padStart(17, '0')}`);
    const tooMany = await rejection(prod.send(new DescribeImageReferencesCommand({ ImageIds: ids, IncludeAllResourceTypes: true })));
    assert.equal(tooMany.name, 'InvalidParameterValue');
    const ten = await prod.send(new DescribeImageReferencesCommand({ ImageIds: ids.slice(0, 10), IncludeAllResourceTypes: true }));
    assert.deepEqual(ten.ImageReferences, []);
    const badType = await rejection(prod.send(new DescribeImageReferencesCommand({ ImageIds: [IMG], ResourceTypes: [{ ResourceType: 'ec2:Volume' as never }] })));
    assert.equal(badType.name, 'InvalidParameterValue');
  });

  it("an SSM parameter of the fixture's ssmParameters is one parameter for both calls: ResolveAlias and DescribeImageReferences", async () => {
    const ami = DEMO_IMAGES.goldenDeregistered.imageId;
    const out = await prod.send(new DescribeImageReferencesCommand({ ImageIds: [ami], ResourceTypes: [{ ResourceType: 'ssm:Parameter' }] }));
    assert.deepEqual(out.ImageReferences!.map((r) => r.Arn), [`arn:aws:ssm:us-east-1:${A.prod}:parameter/golden/al2023/latest`]);
  });
});
