import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { decodeFrame, isTelemetryFrame } from './codec.ts';

describe('protocol codec', () => {
  it('accepts the frames the real SDK sends, stray message_type included', () => {
    const r = decodeFrame(
      '{"type":"registertrigger","function_id":"worker::hello","config":{"api_path":"/hello"},"metadata":{"route":"x"},"id":"41d3","message_type":"registertrigger","trigger_type":"http"}',
    );
    assert.deepEqual(r, {
      ok: true,
      msg: {
        type: 'registertrigger',
        id: '41d3',
        trigger_type: 'http',
        function_id: 'worker::hello',
        config: { api_path: '/hello' },
        metadata: { route: 'x' },
      },
    });
    const v = decodeFrame('{"type":"invokefunction","function_id":"some::fn","data":{"v":1},"action":{"type":"void"}}');
    assert.deepEqual(v, { ok: true, msg: { type: 'invokefunction', function_id: 'some::fn', data: { v: 1 }, action: { type: 'void' } } });
  });

  it('is lenient on missing data and config', () => {
    assert.deepEqual(decodeFrame('{"type":"invokefunction","invocation_id":"i1","function_id":"f"}'), {
      ok: true,
      msg: { type: 'invokefunction', function_id: 'f', invocation_id: 'i1' },
    });
    const t = decodeFrame('{"type":"registertrigger","id":"t","trigger_type":"x","function_id":"f"}');
    assert.equal(t?.ok && t.msg.type === 'registertrigger' ? t.msg.config : 'missing', null);
  });

  it('ignores whitespace-only frames and codes every kind of bad input', () => {
    assert.equal(decodeFrame('   '), null);
    assert.equal((decodeFrame('{nope') as { error: { code: string } }).error.code, 'E_PROTOCOL_BAD_JSON');
    assert.equal((decodeFrame('[]') as { error: { code: string } }).error.code, 'E_PROTOCOL_BAD_MESSAGE');
    assert.equal((decodeFrame('{"type":"warp"}') as { error: { code: string } }).error.code, 'E_PROTOCOL_UNKNOWN_TYPE');
    const bad = decodeFrame('{"type":"invokefunction","invocation_id":"x1","function_id":""}') as {
      error: { code: string };
      invocationId?: string;
    };
    assert.equal(bad.error.code, 'E_PROTOCOL_BAD_MESSAGE');
    assert.equal(bad.invocationId, 'x1');
    const badAction = decodeFrame('{"type":"invokefunction","function_id":"f","action":{"type":"teleport"}}') as { ok: boolean };
    assert.equal(badAction.ok, false);
    const badMethod = decodeFrame('{"type":"registerfunction","id":"f","invocation":{"url":"https://x","method":"get"}}') as {
      ok: boolean;
    };
    assert.equal(badMethod.ok, false);
  });

  it('maps non-ErrorBody error values to UNKNOWN and drops null results', () => {
    const r = decodeFrame('{"type":"invocationresult","invocation_id":"i","error":"boom"}');
    assert.deepEqual(r, { ok: true, msg: { type: 'invocationresult', invocation_id: 'i', error: { code: 'UNKNOWN', message: 'boom' } } });
    assert.deepEqual(decodeFrame('{"type":"invocationresult","invocation_id":"i","result":null}'), {
      ok: true,
      msg: { type: 'invocationresult', invocation_id: 'i' },
    });
  });

  it('recognises telemetry prefixes', () => {
    assert.equal(isTelemetryFrame(Buffer.from('OTLP{}')), true);
    assert.equal(isTelemetryFrame(Buffer.from('LOGS{}')), true);
    assert.equal(isTelemetryFrame(Buffer.from('{"type":"ping"}')), false);
  });
});
