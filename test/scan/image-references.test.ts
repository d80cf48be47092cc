/** Image references (issue #14): which images the scan asks DescribeImageReferences about, and how the blast radius lists them. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { imagesToCheck, fromApprovedPublisher } from '../../src/scan/collectors/image-references.ts';
import type { Image } from '../../src/model/inventory.ts';
import { renderHtml } from '../../src/report/html.ts';
import { AMI_OPS, AMI_OUTSIDER, OPS, OUTSIDER, WORKLOAD, inventory, judgeDoc } from '../helpers/inventory-builder.ts';

const img = (imageId: string, p: Partial<Image>): Image => ({ region: 'us-east-1', imageId, tags: {}, tagsVisible: true, seenVia: 'owner', found: true, ...p }) as Image;

test('image-references asks only about found images whose owner is known and not an approved publisher', () => {
  const images = new Map<string, Image>([
    ['ami-1', img('ami-1', { ownerId: '111111111111' })],
    ['ami-2', img('ami-2', { ownerId: '999999999999' })],
    ['ami-3', img('ami-3', { ownerId: '888888888888', ownerAlias: 'amazon' })],
    ['ami-4', img('ami-4', { found: false })],
    ['ami-5', img('ami-5', { ownerId: '777777777777' })],
  ]);
  const approved = ['111111111111', 'amazon'];
  assert.deepEqual(imagesToCheck(['ami-5', 'ami-1', 'ami-2', 'ami-2', 'ami-3', 'ami-4', 'ami-unknown'], (id) => images.get(id), approved), ['ami-2', 'ami-5']);
  assert.equal(fromApprovedPublisher({ ownerAlias: 'amazon' }, approved), true);
});

test('blast radius: an SSM parameter naming a refused image is listed under it, with what AWS says happens', () => {
  const inv = inventory().image({ id: AMI_OPS, owner: OPS }).image({ id: AMI_OUTSIDER, owner: OUTSIDER }).instance({ account: WORKLOAD, image: AMI_OUTSIDER }).build();
  inv.imageReferences = [
    { accountId: WORKLOAD, region: inv.instances[0]!.region, imageId: AMI_OUTSIDER, resourceType: 'ssm:Parameter', arn: `arn:aws:ssm:${inv.instances[0]!.region}:${WORKLOAD}:parameter/golden/<b>ami</b>` },
    { accountId: WORKLOAD, region: inv.instances[0]!.region, imageId: AMI_OUTSIDER, resourceType: 'imagebuilder:ImageRecipe', arn: `arn:aws:imagebuilder:${inv.instances[0]!.region}:${WORKLOAD}:image-recipe/web/1.0.0` },
  ];
  const doc = judgeDoc(inv, undefined);
  const cause = doc.impact.blastRadius!.images.find((i) => i.imageId === AMI_OUTSIDER)!;
  assert.equal(cause.references?.length, 2);
  assert.match(cause.references![0]!.note, /^SSM parameter \/golden\/<b>ami<\/b> resolves to an AMI .*refuse.*: a launch that resolves it \(resolve:ssm:\/golden\/<b>ami<\/b>\) is refused once enforcement starts$/);
  assert.match(cause.references![1]!.note, /Image Builder image recipe image-recipe\/web\/1\.0\.0 names this image/);
  const html = renderHtml(doc, { generatedAt: '2026-02-01T10:20:00.000Z', toolVersion: '0.1.0' });
  assert.match(html, /SSM parameter \/golden\/&lt;b&gt;ami&lt;\/b&gt; resolves to an AMI/);
  assert.ok(!html.includes('<b>ami</b>'), 'escaped');
});
