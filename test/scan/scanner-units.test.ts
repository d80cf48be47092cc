/** The scanner's pure decisions: who describes which referenced image, and a unit's coverage verdict. */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { preferSucceeded } from '../../src/scan/scanner.ts';
import { assignResolvers } from '../../src/scan/resolvers.ts';
import { UNIT_COLLECTORS, verdictFor } from '../../src/scan/unit.ts';
import { COLLECTORS } from '../../src/scan/collectors/index.ts';
import { IMAGE_REFERENCES, INSTANCE_REFRESHES, REFERENCED_IMAGES } from '../../src/scan/collectors/metas.ts';
import { INSTANCES } from '../../src/scan/collectors/metas.ts';
import { OWNED_IMAGES } from '../../src/scan/collectors/metas.ts';

const A = '111111111111';
const B = '222222222222';
const C = '333333333333';
const awsError = (name: string, message = name, status = 400) => Object.assign(new Error(message), { name, $metadata: { httpStatusCode: status } });

describe('assignResolvers', () => {
  test('the account referencing the most images describes them all, each image exactly once', () => {
    const out = assignResolvers(new Map([['ami-2', [B, A]], ['ami-1', [B]], ['ami-3', [C, B]]]));
    assert.deepEqual([...out], [[B, ['ami-1', 'ami-2', 'ami-3']]]);
  });
  test('ties go to the lowest account id; the rest to the next best', () => {
    const out = assignResolvers(new Map([['ami-1', [B, A]], ['ami-2', [C]]]));
    assert.deepEqual([...out], [[A, ['ami-1']], [C, ['ami-2']]]);
  });
  test('nothing to resolve: no batch', () => {
    assert.equal(assignResolvers(new Map()).size, 0);
  });
});

describe('preferSucceeded', () => {
  test('an account whose unit failed describes only images no succeeded account references', () => {
    const ok = (a: string) => a === B;
    const candidates = preferSucceeded(new Map([['ami-1', [A, B]], ['ami-2', [A]]]), ok);
    assert.deepEqual([...candidates], [['ami-1', [B]], ['ami-2', [A]]]);
    // A references more images, yet B (whose unit succeeded) describes the image it references.
    assert.deepEqual(Object.fromEntries(assignResolvers(candidates)), { [A]: ['ami-2'], [B]: ['ami-1'] });
  });
  test('no account succeeded: every referencing account stays a candidate', () => {
    assert.deepEqual([...preferSucceeded(new Map([['ami-1', [A, B]]]), () => false)], [['ami-1', [A, B]]]);
  });
});

describe('verdictFor', () => {
  test('the first core failure decides the status; the others are named in the reason', () => {
    const v = verdictFor([
      { collector: INSTANCES, err: awsError('UnauthorizedOperation', 'not authorized', 403) },
      { collector: OWNED_IMAGES, err: awsError('InternalError', 'boom', 500) },
    ]);
    assert.equal(v.status, 'access-denied');
    assert.equal(v.errorCode, 'UnauthorizedOperation');
    assert.match(v.reason!, /^instances \(ec2:DescribeInstances/);
    assert.match(v.reason!, /docs\/iam\/amigov-scan-role-policy\.json; also failed: owned-images \(ec2:DescribeImages\): InternalError: boom$/);
  });
  test('the order decides: a server error first makes it an error with advice', () => {
    const v = verdictFor([
      { collector: OWNED_IMAGES, err: awsError('InternalError', 'boom', 500) },
      { collector: INSTANCES, err: awsError('UnauthorizedOperation', 'not authorized', 403) },
    ]);
    assert.equal(v.status, 'error');
    assert.equal(v.errorCode, 'InternalError');
    assert.match(v.reason!, /run the scan again\); also failed: instances/);
  });
  test('an abort is an interruption, not an error of the account', () => {
    const v = verdictFor([{ collector: INSTANCES, err: Object.assign(new Error('aborted'), { name: 'AbortError' }) }]);
    assert.deepEqual(v, { status: 'error', errorCode: 'Interrupted', reason: 'scan interrupted while collecting instances' });
  });
});

describe('UNIT_COLLECTORS', () => {
  test('every account x region collector the IAM policy is generated from is run by a unit (or, referenced images, image references and instance refreshes, by the scanner)', () => {
    const run = new Set(UNIT_COLLECTORS.flatMap((c) => [c.meta.id, ...(c.includes ?? []).map((m) => m.id)]));
    run.add(REFERENCED_IMAGES.id);
    run.add(IMAGE_REFERENCES.id);
    run.add(INSTANCE_REFRESHES.id);
    const declared = COLLECTORS.filter((c) => c.scope === 'account-region').map((c) => c.id);
    assert.deepEqual([...run].sort(), [...declared].sort());
  });
  test('core failures are reported in registry order: instances first', () => {
    assert.deepEqual(UNIT_COLLECTORS.map((c) => c.meta.id).slice(0, 3), ['instances', 'owned-images', 'launch-templates']);
  });
});
