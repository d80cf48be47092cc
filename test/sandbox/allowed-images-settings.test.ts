/**
 * The Allowed AMIs settings actions through the real SDK: enable / disable / replace criteria at the account level,
 * refused where a declarative policy manages the setting (GetAllowedImagesSettings then says ManagedBy
 * declarative-policy).
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import {
  DisableAllowedImagesSettingsCommand,
  DisableImageBlockPublicAccessCommand,
  EnableAllowedImagesSettingsCommand,
  GetAllowedImagesSettingsCommand,
  ReplaceImageCriteriaInAllowedImagesSettingsCommand,
} from '@aws-sdk/client-ec2';
import { startSandbox, demoOrg, DEMO_ACCOUNTS as A } from '../../src/sandbox/index.ts';
import { assume, ec2, rejection } from './helpers.ts';

describe('sandbox Allowed AMIs settings', () => {
  it('changes account-managed settings and refuses the ones a declarative policy manages', async () => {
    const sb = await startSandbox({ fixture: demoOrg });
    try {
      const prod = await assume(sb, A.prod);
      // prod ap-southeast-2 manages its own settings (disabled) in the demo fixture
      const own = ec2(sb, { credentials: prod, region: 'ap-southeast-2' });
      const enabled = await own.send(new EnableAllowedImagesSettingsCommand({ AllowedImagesSettingsState: 'audit-mode' }));
      assert.equal(enabled.AllowedImagesSettingsState, 'audit-mode');
      const replaced = await own.send(
        new ReplaceImageCriteriaInAllowedImagesSettingsCommand({ ImageCriteria: [{ ImageProviders: ['amazon', A.ops] }, { ImageProviders: [A.tfe] }] }),
      );
      assert.equal(replaced.ReturnValue, true);
      const got = await own.send(new GetAllowedImagesSettingsCommand({}));
      assert.equal(got.State, 'audit-mode');
      assert.equal(got.ManagedBy, 'account');
      assert.deepEqual(got.ImageCriteria?.map((c) => c.ImageProviders), [['amazon', A.ops], [A.tfe]]);
      const disabled = await own.send(new DisableAllowedImagesSettingsCommand({}));
      assert.equal(disabled.AllowedImagesSettingsState, 'disabled');
      assert.equal((await own.send(new GetAllowedImagesSettingsCommand({}))).State, 'disabled');
      const bad = await rejection(own.send(new EnableAllowedImagesSettingsCommand({ AllowedImagesSettingsState: 'on' as never })));
      assert.equal(bad.name, 'InvalidParameterValue');

      // prod us-east-1 takes the declarative policy's settings
      const managed = ec2(sb, { credentials: prod, region: 'us-east-1' });
      const before = await managed.send(new GetAllowedImagesSettingsCommand({}));
      assert.equal(before.ManagedBy, 'declarative-policy');
      for (const cmd of [
        new EnableAllowedImagesSettingsCommand({ AllowedImagesSettingsState: 'enabled' }),
        new DisableAllowedImagesSettingsCommand({}),
        new ReplaceImageCriteriaInAllowedImagesSettingsCommand({ ImageCriteria: [{ ImageProviders: ['amazon'] }] }),
        new DisableImageBlockPublicAccessCommand({}),
      ]) {
        const err = await rejection(managed.send(cmd as never));
        assert.equal(err.name, 'OperationNotPermitted', cmd.constructor.name);
        assert.match(err.message, /managed by a declarative policy/);
      }
      const after = await managed.send(new GetAllowedImagesSettingsCommand({}));
      assert.deepEqual([after.State, after.ImageCriteria], [before.State, before.ImageCriteria]);
    } finally {
      await sb.close();
    }
  });
});
