import assert from 'node:assert/strict';
import { test } from 'node:test';
import { errorLine } from './error-line.ts';

test('the package manager’s own error line, not its code/path/log chatter; else the last line', () => {
  const npm = [
    'npm error code ETARGET',
    'npm error notarget No matching version found for iii-sdk@99.0.0.',
    'npm error notarget In most cases you or one of your dependencies are requesting',
    'npm error A complete log of this run can be found in: /root/.npm/_logs/x.log',
  ];
  assert.equal(errorLine(npm), 'npm error notarget No matching version found for iii-sdk@99.0.0.');
  const pip = ['Looking in indexes: https://pypi.org/simple', 'ERROR: Could not find a version that satisfies the requirement iii-sdk'];
  assert.equal(errorLine(pip), 'ERROR: Could not find a version that satisfies the requirement iii-sdk');
  const cargo = ['    Updating crates.io index', 'warning: spurious network error', 'error: failed to get `iii-sdk` as a dependency'];
  assert.equal(errorLine(cargo), 'error: failed to get `iii-sdk` as a dependency');
  assert.equal(errorLine(['starting', "Error: Cannot find module './x'", '    at Module._resolve']), "Error: Cannot find module './x'");
  assert.equal(errorLine(['only output', '  ']), 'only output');
  assert.equal(errorLine(['npm error code EJSONPARSE']), 'npm error code EJSONPARSE');
  assert.equal(errorLine([]), undefined);
});
