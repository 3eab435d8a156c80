// Stripe's own webhook signing code (npm `stripe`) as an independent reference for Tollgate's verifier.
// Reads one JSON object on stdin:
//   {"mode":"sign", "payload":"…", "secret":"whsec_…", "timestamp"?: <unix s>, "scheme"?: "v1"|"v0"}
//     → prints Stripe.webhooks.generateTestHeaderString(...) on stdout.
//   {"mode":"verify", "payload":"…", "secret":"whsec_…", "header":"t=…,v1=…", "tolerance"?: <s>}
//     → Stripe.webhooks.constructEvent(...); exit 0 if accepted, 1 (and the error on stderr) if not.
import Stripe from 'stripe';

const chunks = [];
for await (const chunk of process.stdin) {
  chunks.push(chunk);
}
const input = JSON.parse(Buffer.concat(chunks).toString('utf8'));
const webhooks = new Stripe('sk_test_compat').webhooks;

switch (input.mode ?? 'sign') {
  case 'sign': {
    const opts = { payload: input.payload, secret: input.secret };
    if (input.timestamp !== undefined) opts.timestamp = input.timestamp;
    if (input.scheme !== undefined) opts.scheme = input.scheme;
    process.stdout.write(webhooks.generateTestHeaderString(opts));
    break;
  }
  case 'verify': {
    try {
      const event = webhooks.constructEvent(input.payload, input.header, input.secret, input.tolerance);
      process.stdout.write(JSON.stringify({ ok: true, id: event.id ?? null }));
    } catch (error) {
      process.stderr.write(`${error.type ?? error.name}: ${error.message}`);
      process.exit(1);
    }
    break;
  }
  default:
    process.stderr.write(`unknown mode ${input.mode}`);
    process.exit(2);
}
