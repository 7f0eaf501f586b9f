#!/usr/bin/env node
/**
 * Regenerates cidr-table.json: every case below is evaluated by a REAL `terraform console`
 * (no providers, an empty temporary directory), so cidr.spec.ts checks our CIDR functions
 * against Terraform itself rather than against our reading of its documentation.
 *
 *   node packages/atmos/src/functions/cidr-table.generate.js [path/to/terraform]
 *
 * Numbers that do not fit a double exactly are written as decimal strings; Terraform converts
 * them to numbers, and so do our functions. All cases are evaluated in one console call
 * (`can(...)` / `try(...)`); the cases Terraform rejects are then run one at a time to record
 * its error message.
 */
'use strict';

const { execFileSync, spawnSync } = require('node:child_process');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');

const terraform = process.argv[2] || process.env.TERRAFORM || 'terraform';
const out = path.join(__dirname, 'cidr-table.json');

// [function, ...args]. Keep IPv4, IPv6 and error cases together per function.
const cases = [
  // ---- cidrsubnet, IPv4
  ['cidrsubnet', '10.0.0.0/16', 8, 2],
  ['cidrsubnet', '10.0.0.0/16', 8, 0],
  ['cidrsubnet', '10.0.0.0/16', 8, 255],
  ['cidrsubnet', '10.0.0.0/16', 4, 15],
  ['cidrsubnet', '10.0.0.0/16', 16, 65535],
  ['cidrsubnet', '172.16.0.0/12', 4, 2],
  ['cidrsubnet', '192.168.0.0/16', 7, 100],
  ['cidrsubnet', '10.1.2.3/16', 8, 5],
  ['cidrsubnet', '10.1.2.3/16', 0, 0],
  ['cidrsubnet', '10.0.0.0/8', 24, 16777215],
  ['cidrsubnet', '10.0.0.0/24', 8, 255],
  ['cidrsubnet', '0.0.0.0/0', 1, 1],
  ['cidrsubnet', '0.0.0.0/0', 8, 10],
  ['cidrsubnet', '0.0.0.0/0', 32, 4294967295],
  ['cidrsubnet', '255.255.255.255/32', 0, 0],
  ['cidrsubnet', '010.001.0.0/16', 8, 2],
  ['cidrsubnet', '10.0.0.0/016', 4, 1],
  ['cidrsubnet', '10.0.0.0/16', '8', '2'],
  ['cidrsubnet', '10.0.0.0/16', '8.0', '2.0'],
  ['cidrsubnet', '10.0.0.0/16', -1, 0],
  ['cidrsubnet', '10.0.0.0/16', -2, 1],
  ['cidrsubnet', '10.0.0.0/16', 8, -1],
  ['cidrsubnet', '10.0.0.0/16', 8, -3],
  // errors
  ['cidrsubnet', '10.0.0.0/30', 8, 2],
  ['cidrsubnet', '10.0.0.0/16', 17, 0],
  ['cidrsubnet', '10.0.0.0/16', 8, 256],
  ['cidrsubnet', '10.0.0.0/16', 2, 4],
  ['cidrsubnet', '10.0.0.0/16', 0, 1],
  ['cidrsubnet', '10.0.0.0/16', 8, -257],
  ['cidrsubnet', '10.0.0.0/16', 8, 1.5],
  ['cidrsubnet', '10.0.0.0/16', 1.5, 1],
  ['cidrsubnet', '10.0.0.0/16', 'eight', 1],
  ['cidrsubnet', '10.0.0.0', 8, 2],
  ['cidrsubnet', '10.0.0.0/33', 1, 0],
  ['cidrsubnet', '10.0.0.256/16', 1, 0],
  ['cidrsubnet', '10.0.0/16', 1, 0],
  ['cidrsubnet', '10.0.0.0.0/16', 1, 0],
  ['cidrsubnet', ' 10.0.0.0/16', 1, 0],
  ['cidrsubnet', '10.0.0.0/16 ', 1, 0],
  ['cidrsubnet', '10.0.0.0/+16', 1, 0],
  ['cidrsubnet', '10.0.0.0/', 1, 0],
  ['cidrsubnet', 'not-a-cidr', 1, 0],
  ['cidrsubnet', '', 1, 0],
  // ---- cidrsubnet, IPv6
  ['cidrsubnet', 'fd00:fd12:3456:7890::/56', 16, 162],
  ['cidrsubnet', '2001:db8::/32', 16, 1],
  ['cidrsubnet', '2001:db8::/32', 8, 255],
  ['cidrsubnet', '2001:DB8::/32', 4, 3],
  ['cidrsubnet', '2001:db8::1/32', 16, 3],
  ['cidrsubnet', '2001:db8:abcd:12::/64', 64, 1],
  ['cidrsubnet', '2001:db8:abcd:12::/64', 8, 0],
  ['cidrsubnet', '::/0', 64, 1],
  ['cidrsubnet', '::/0', 1, 1],
  ['cidrsubnet', '::/0', 128, '340282366920938463463374607431768211455'],
  ['cidrsubnet', 'fd00::/8', 56, '72057594037927935'],
  ['cidrsubnet', '2001:db8::/32', 96, '79228162514264337593543950335'],
  ['cidrsubnet', '2001:db8:0:0:1:0:0:1/128', 0, 0],
  ['cidrsubnet', '1:0:0:2:0:0:0:3/128', 0, 0],
  ['cidrsubnet', '1:0:2:0:3:0:4:0/128', 0, 0],
  ['cidrsubnet', '0:0:1::/48', 16, 7],
  ['cidrsubnet', '::ffff:10.0.0.0/104', 8, 2],
  ['cidrsubnet', '::1.2.3.4/96', 0, 0],
  ['cidrsubnet', '64:ff9b::/96', 8, 192],
  ['cidrsubnet', '2001:db8::/32', 64, '18446744073709551616'],
  ['cidrsubnet', '2001:db8::/32', 65, '18446744073709551616'],
  ['cidrsubnet', '2001:db8::/32', 64, -1],
  ['cidrsubnet', '::/0', 200, 0],
  // errors
  ['cidrsubnet', '2001:db8::/32', 97, 0],
  ['cidrsubnet', '2001:db8::/126', 3, 0],
  ['cidrsubnet', '2001:db8::/32', 4, 16],
  ['cidrsubnet', '2001:db8:::/32', 4, 1],
  ['cidrsubnet', '2001:db8::/129', 1, 0],
  ['cidrsubnet', '1::2::3/64', 1, 0],
  ['cidrsubnet', '2001:db8::g/64', 1, 0],
  ['cidrsubnet', '1:2:3:4:5:6:7:8:9/64', 1, 0],
  ['cidrsubnet', '1:2:3:4:5:6:7::8/64', 1, 0],
  ['cidrsubnet', '12345::/64', 1, 0],
  ['cidrsubnet', '2001:db8::%eth0/64', 1, 0],

  // ---- cidrhost, IPv4
  ['cidrhost', '10.12.112.0/20', 16],
  ['cidrhost', '10.12.112.0/20', 268],
  ['cidrhost', '10.0.0.0/24', 0],
  ['cidrhost', '10.0.0.0/24', 255],
  ['cidrhost', '10.0.0.0/24', -1],
  ['cidrhost', '10.0.0.0/24', -2],
  ['cidrhost', '10.0.0.0/24', -256],
  ['cidrhost', '10.0.0.5/24', 3],
  ['cidrhost', '10.0.0.7/32', 0],
  ['cidrhost', '0.0.0.0/0', 4294967295],
  ['cidrhost', '192.168.1.0/30', '2'],
  // errors
  ['cidrhost', '10.0.0.0/24', 256],
  ['cidrhost', '10.0.0.0/24', -257],
  ['cidrhost', '10.0.0.0/30', 8],
  ['cidrhost', '10.0.0.0/30', -5],
  ['cidrhost', '10.0.0.0/32', 1],
  ['cidrhost', '10.0.0.0/24', 1.5],
  ['cidrhost', '10.0.0.0/24', 'one'],
  ['cidrhost', 'bad', 1],
  ['cidrhost', '10.0.0.0/40', 1],
  // ---- cidrhost, IPv6
  ['cidrhost', 'fd00:fd12:3456:7890:00a2::/72', 34],
  ['cidrhost', '10.0.0.0/24', -4294967296],
  ['cidrhost', '2001:db8::/64', '-18446744073709551616'],
  ['cidrhost', '2001:db8::/64', 1],
  ['cidrhost', '2001:db8::/64', -1],
  ['cidrhost', '2001:db8::/64', '18446744073709551615'],
  ['cidrhost', '2001:db8::/32', '79228162514264337593543950335'],
  ['cidrhost', '::/0', 1],
  ['cidrhost', '::/0', 65536],
  ['cidrhost', '2001:db8::/126', 3],
  ['cidrhost', '2001:db8::/126', -4],
  ['cidrhost', '::ffff:10.0.0.0/104', 1],
  // errors
  ['cidrhost', '2001:db8::/126', 4],
  ['cidrhost', '2001:db8::/126', -5],
  ['cidrhost', '2001:db8::/64', '18446744073709551616'],
  ['cidrhost', '2001:db8::/200', 1],

  // ---- cidrnetmask
  ['cidrnetmask', '10.0.0.0/8'],
  ['cidrnetmask', '172.16.0.0/12'],
  ['cidrnetmask', '192.168.1.0/23'],
  ['cidrnetmask', '10.0.0.0/31'],
  ['cidrnetmask', '10.0.0.1/32'],
  ['cidrnetmask', '0.0.0.0/0'],
  ['cidrnetmask', '10.1.2.3/27'],
  ['cidrnetmask', '::ffff:10.0.0.0/104'],
  // errors
  ['cidrnetmask', '2001:db8::/32'],
  ['cidrnetmask', '::/0'],
  ['cidrnetmask', '10.0.0.0'],
  ['cidrnetmask', '10.0.0.0/33'],

  // ---- cidrsubnets
  ['cidrsubnets', '10.1.0.0/16', 4, 4, 8, 4],
  ['cidrsubnets', 'fd00:fd12:3456:7890::/56', 16, 16, 16, 32],
  ['cidrsubnets', '10.0.0.0/8'],
  ['cidrsubnets', '10.0.0.0/16', 8, 4],
  ['cidrsubnets', '10.0.0.0/16', 1, 1],
  ['cidrsubnets', '10.0.0.0/16', 2, 2, 2, 2],
  ['cidrsubnets', '10.0.0.0/16', 2, 1],
  ['cidrsubnets', '10.0.0.0/16', 8, 8, 1],
  ['cidrsubnets', '10.1.2.3/16', 8],
  ['cidrsubnets', '0.0.0.0/0', 1, 1],
  ['cidrsubnets', '10.0.0.0/24', 8, 8, 8],
  ['cidrsubnets', '::/0', 32, 32],
  ['cidrsubnets', '2001:db8::/32', 32, 16, 8],
  ['cidrsubnets', '2001:db8::/120', 8, 8],
  ['cidrsubnets', '10.0.0.0/16', '4', '4'],
  ['cidrsubnets', '10.0.0.0/28', ...Array(16).fill(4)],
  // errors
  ['cidrsubnets', '10.0.0.0/16', 1, 1, 1],
  ['cidrsubnets', '10.0.0.0/16', 2, 2, 2, 2, 2],
  ['cidrsubnets', '10.0.0.0/16', 1, 2, 1],
  ['cidrsubnets', '10.0.0.0/16', 0],
  ['cidrsubnets', '10.0.0.0/16', 4, -1],
  ['cidrsubnets', '10.0.0.0/16', 17],
  ['cidrsubnets', '10.0.0.0/8', 33],
  ['cidrsubnets', '2001:db8::/32', 33],
  ['cidrsubnets', '2001:db8::/120', 9],
  ['cidrsubnets', '10.0.0.0/16', 1.5],
  ['cidrsubnets', '10.0.0.0/16', 'x'],
  ['cidrsubnets', '10.0.0.0/28', ...Array(17).fill(4)],
  ['cidrsubnets', 'bad/16', 1],
  ['cidrsubnets', '::ffff:10.0.0.0/104', 8],
  ['cidrsubnets', '10.0.0.0/16', 4, 1e30],
];

function hcl(value) {
  if (typeof value === 'number') return String(value);
  return JSON.stringify(value); // the strings above need no HCL-specific escaping
}

function expression([fn, ...args]) {
  return `${fn}(${args.map(hcl).join(', ')})`;
}

function runConsole(dir, input) {
  const result = spawnSync(terraform, ['console'], {
    cwd: dir,
    input: input + '\n',
    encoding: 'utf8',
    env: { ...process.env, TF_CLI_CONFIG_FILE: '/dev/null', TF_IN_AUTOMATION: '1', NO_COLOR: '1' },
    timeout: 60_000,
  });
  if (result.error) throw result.error;
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

/** Terraform's diagnostic, reduced to the sentence after "failed:" / "parameter:". */
function errorMessage(text) {
  const plain = text
    .replace(/\x1b\[[0-9;]*m/g, '')
    .split('\n')
    .map((line) => line.replace(/^[│╷╵]\s?/, '').trim())
    .filter((line) => line && !line.startsWith('Error:') && !line.startsWith('on <console-input>') && line !== '(source code not available)')
    .join(' ');
  const m = /(?:Call to function "\w+" failed: |Invalid value for "\w+" parameter: )(.*)$/.exec(plain);
  return (m ? m[1] : plain).trim().replace(/\.$/, '');
}

function main() {
  const version = execFileSync(terraform, ['version', '-json'], { encoding: 'utf8', env: { ...process.env, TF_CLI_CONFIG_FILE: '/dev/null' } });
  const terraformVersion = JSON.parse(version).terraform_version;
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cidr-table-'));
  try {
    const exprs = cases.map(expression);
    const batch = `jsonencode([${exprs.map((e) => `{ok = can(${e}), v = try(${e}, null)}`).join(', ')}])`;
    const { stdout, stderr, status } = runConsole(dir, batch);
    if (status !== 0) throw new Error(`terraform console failed:\n${stderr}`);
    const results = JSON.parse(JSON.parse(stdout.trim()));
    if (results.length !== cases.length) throw new Error('result count mismatch');

    const rows = cases.map(([fn, ...args], i) => {
      const row = { fn, args, expression: exprs[i] };
      if (results[i].ok) return { ...row, result: results[i].v };
      const single = runConsole(dir, exprs[i]);
      if (single.status === 0) throw new Error(`${exprs[i]} failed in batch but not alone: ${single.stdout}`);
      return { ...row, error: errorMessage(single.stderr + single.stdout) };
    });

    const table = {
      description:
        'CIDR function cases evaluated by a real `terraform console`. Regenerate with: node packages/atmos/src/functions/cidr-table.generate.js',
      terraformVersion,
      cases: rows,
    };
    fs.writeFileSync(out, JSON.stringify(table, null, 2) + '\n');
    const errors = rows.filter((r) => 'error' in r).length;
    process.stdout.write(`wrote ${rows.length} cases (${errors} errors) from terraform ${terraformVersion} to ${out}\n`);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

main();
