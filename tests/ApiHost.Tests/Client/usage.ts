// What a frontend does with the generated client: sign up, sign in with the cookie, read the session, consume, and
// switch on problem codes with typed details. Run by ClientGenerationTests against a live Tollgate; prints one JSON line.
import { consumeQuota, getSession, listSessions, signInEmail, signUpEmail, type ProblemDetails } from './generated/tollgate';
import { clearCookies } from './tollgate-fetch';

/** What the marketplace does for each problem: the switch a frontend type-checks against the document. */
export function nextStep(problem: ProblemDetails): string {
  switch (problem.code) {
    case 'PAYMENT_REQUIRED':
      return `subscribe at ${problem.details.checkoutUrl ?? '(no checkout url)'}`;
    case 'UNAUTHORIZED':
      return `sign in at ${problem.details.signInUrl ?? '(no sign-in url)'}`;
    case 'QUOTA_EXCEEDED':
      return `wait until ${problem.details.resetsAt ?? '(unknown)'}: ${problem.details.used}/${problem.details.limit}`;
    case 'FORBIDDEN':
      return `missing ${(problem.details.required ?? []).join(', ')}`;
    default:
      return problem.message;
  }
}

const fail = (what: string, answer: unknown): never => {
  throw new Error(`${what}: ${JSON.stringify(answer)}`);
};

const email = process.env.TOLLGATE_EMAIL ?? `orval-${Date.now()}@example.com`;
const password = 'orval-password-123';
const agentId = process.env.TOLLGATE_AGENT ?? fail('TOLLGATE_AGENT', null);

const signedUp = await signUpEmail({ name: 'Orval Client', email, password, rememberMe: true });
if (signedUp.status !== 200) fail('sign-up', signedUp);
clearCookies();

const signedIn = await signInEmail({ email, password, rememberMe: true });
if (signedIn.status !== 200) fail('sign-in', signedIn);

const session = await getSession();
const current = session.status === 200 && session.data !== null ? session.data : fail('get-session with the cookie', session);
if (current.user.email !== email) fail('get-session is of another user', current);
const expiresAt: string = current.session.expiresAt;
if (Number.isNaN(Date.parse(expiresAt))) fail('session.expiresAt is a date-time', current);

const consumed = await consumeQuota({ agentId, units: 1 });
if (consumed.status !== 402) fail('consume without a subscription', consumed);
const paymentRequired = consumed.status === 402 ? consumed.data : fail('402', consumed);
const checkoutUrl: string | undefined = paymentRequired.details.checkoutUrl;

clearCookies();
const anonymous = await listSessions();
const unauthorized = anonymous.status === 401 ? anonymous.data : fail('list-sessions without the cookie', anonymous);
const signInUrl: string | undefined = unauthorized.details.signInUrl;

console.log(JSON.stringify({
  userId: current.user.id,
  paymentRequired: { code: paymentRequired.code, checkoutUrl, next: nextStep(paymentRequired) },
  unauthorized: { code: unauthorized.code, signInUrl, next: nextStep(unauthorized) },
}));
