import { describeRule } from '../model/rights.js';
import { describeScope, type CounterNotice, type Notice, type TakedownRequest } from '../model/takedown.js';
import type { GrantOutcome } from '../store/index.js';
import { WELL_KNOWN_PATH, META_NAME } from './verify.js';

/** What the notices need to know of the site. */
export interface NoticeSite {
  name: string;
  baseUrl: string;
  /** The operator's address for new requests; null: nobody is told by email. */
  notifyEmail: string | null;
  selfService: boolean;
}

const SIGN_OFF = (site: NoticeSite) => `\n-- \n${site.name}\n${site.baseUrl}/\n`;

function requestSummary(r: TakedownRequest): string {
  return [
    `Reference: ${r.reference}`,
    `From: ${r.name} <${r.email}>, ${r.capacity === 'author' ? 'the author' : 'on behalf of the publishing site'}`,
    `Asked: remove ${describeScope(r)}`,
    `Addresses:\n${r.urls.map((u) => `  ${u}`).join('\n')}`,
    r.message ? `Message:\n${indent(r.message)}` : null,
  ]
    .filter((l) => l !== null)
    .join('\n');
}

/**
 * What a receipt may say of a request: only what the site wrote (its reference, its kind, the
 * number of addresses, the date), never a word the requester typed. The address a receipt goes to
 * is not confirmed yet, so typed text in it would make the form a way to mail anything to anyone.
 */
function receiptSummary(r: TakedownRequest): string {
  const asked =
    r.scope === 'article'
      ? `the removal of ${r.urls.length === 1 ? 'one article' : `${r.urls.length} articles`}`
      : r.scope === 'author'
        ? "the removal of an author's articles from one source"
        : 'the removal of everything from a site';
  return `Reference: ${r.reference}
Asked: ${asked}
Filed: ${r.createdAt.toISOString().slice(0, 16).replace('T', ' ')} UTC`;
}

const NOT_YOU =
  'If you did not file it, someone gave your address: you need do nothing, and you will hear from us only about this request.';

/** To the requester, on filing: the reference, the status link, and what happens next. */
export function requestReceipt(site: NoticeSite, r: TakedownRequest, statusUrl: string): Notice {
  const selfService =
    site.selfService && r.scope === 'site'
      ? `\nYou can have it granted at once by showing that you control the site: serve the token\n\n  ${r.verifyToken}\n\nas a line of ${WELL_KNOWN_PATH} on the site, or in <meta name="${META_NAME}" content="${r.verifyToken}"> on its home page, then press "Check now" on the status page.\n`
      : '';
  return {
    to: r.email,
    subject: `[${site.name}] Takedown request ${r.reference} received`,
    text:
      `We received a request, filed with this email address, to remove content from ${site.name}.\n\n${receiptSummary(r)}\n\n` +
      `An operator will review it and we will write to you with the decision and the reasons. ` +
      `Its state, and everything it asks, are on this page (keep the link: it is the only way to see it):\n\n  ${statusUrl}\n${selfService}\n${NOT_YOU}` +
      SIGN_OFF(site),
  };
}

/** To the operator, on filing. */
export function requestToOperator(site: NoticeSite, r: TakedownRequest): Notice[] {
  if (!site.notifyEmail) return [];
  return [
    {
      to: site.notifyEmail,
      subject: `[${site.name}] New takedown request ${r.reference}`,
      text: `A takedown request awaits a decision.\n\n${requestSummary(r)}\n\nReview it at ${site.baseUrl}/admin/requests/${r.id}\nor with: courtesy takedown show ${r.reference}\n`,
    },
  ];
}

/** To the requester: the request was granted, what was removed, and what stays out. */
export function grantedNotice(site: NoticeSite, outcome: GrantOutcome): Notice {
  const r = outcome.request;
  return {
    to: r.email,
    subject: `[${site.name}] Takedown request ${r.reference} granted`,
    text:
      `Your request ${r.reference} to remove ${describeScope(r)} was granted` +
      `${r.decidedBy === 'self-service verification' ? ' after your site served its verification token' : ''}.\n\n` +
      `Removed now: ${outcome.removed} article${outcome.removed === 1 ? '' : 's'}; their addresses on ${site.name} answer "410 Gone".\n` +
      `Kept out of every later poll:\n${outcome.rules.map((rule) => `  - ${describeRule(rule)}`).join('\n')}\n\n` +
      (r.decisionReason ? `Note: ${r.decisionReason}\n\n` : '') +
      `If the person whose content was removed files a counter-notice, we will send you a copy before deciding on it.` +
      SIGN_OFF(site),
  };
}

/** To the requester: the request was rejected, why, and how to appeal. */
export function rejectedNotice(site: NoticeSite, r: TakedownRequest): Notice {
  return {
    to: r.email,
    subject: `[${site.name}] Takedown request ${r.reference} not granted`,
    text:
      `Your request ${r.reference} to remove ${describeScope(r)} was not granted.\n\n` +
      `Reason: ${r.decisionReason ?? '(none given)'}\n\n` +
      `How to appeal: reply to this email, or file a new request at ${site.baseUrl}/takedown with what was missing ` +
      `(for example the exact addresses, or proof that you speak for the site). You may also turn to a court, ` +
      `or in the EU to a certified out-of-court dispute settlement body.` +
      SIGN_OFF(site),
  };
}

/** On a counter-notice: a receipt to its sender, a copy to the original requester, and the operator. */
export function counterNoticeFiled(
  site: NoticeSite,
  c: CounterNotice,
  r: TakedownRequest,
  statusUrl: string,
): Notice[] {
  const summary = `Counter-notice ${c.reference} against takedown ${r.reference}\nFrom: ${c.name} <${c.email}>\nAddress:\n${indent(c.address)}\nExplanation:\n${indent(c.explanation)}\nSigned: ${c.signature}`;
  const notices: Notice[] = [
    {
      // Only what the site wrote, as in a request's receipt: the address is not confirmed yet.
      to: c.email,
      subject: `[${site.name}] Counter-notice ${c.reference} received`,
      text: `We received a counter-notice, filed with this email address, against takedown ${r.reference}.\n\nReference: ${c.reference}\n\nWe have sent a copy to the person who asked for the removal. An operator will decide, and we will write to you with the decision and the reasons. Its state, and what it says, are on this page:\n\n  ${statusUrl}\n\n${NOT_YOU}\n${SIGN_OFF(site)}`,
    },
    {
      to: r.email,
      subject: `[${site.name}] Counter-notice against your takedown request ${r.reference}`,
      text: `The person whose content was removed after your request ${r.reference} says it was removed by mistake. A copy of their counter-notice follows. If the removal was right, reply to this email with your reasons before an operator decides.\n\n${summary}\n${SIGN_OFF(site)}`,
    },
  ];
  if (site.notifyEmail) {
    notices.push({
      to: site.notifyEmail,
      subject: `[${site.name}] New counter-notice ${c.reference}`,
      text: `A counter-notice awaits a decision.\n\n${summary}\n\nReview it at ${site.baseUrl}/admin/requests/${r.id}\n`,
    });
  }
  return notices;
}

/** The decision on a counter-notice, to its sender and to the original requester. */
export function counterNoticeDecided(site: NoticeSite, c: CounterNotice, r: TakedownRequest): Notice[] {
  const upheld = c.state === 'upheld';
  const outcome = upheld
    ? `was upheld: the rules made for takedown request ${r.reference} no longer apply, so the content may appear again when its feed next brings it.`
    : `was not upheld: the content stays removed.`;
  const reason = `Reason: ${c.decisionReason ?? '(none given)'}`;
  const appeal = `If you disagree, reply to this email; you may also turn to a court, or in the EU to a certified out-of-court dispute settlement body.`;
  return [
    {
      to: c.email,
      subject: `[${site.name}] Counter-notice ${c.reference} ${upheld ? 'upheld' : 'not upheld'}`,
      text: `Your counter-notice ${c.reference} ${outcome}\n\n${reason}\n\n${appeal}${SIGN_OFF(site)}`,
    },
    {
      to: r.email,
      subject: `[${site.name}] Decision on the counter-notice against ${r.reference}`,
      text: `The counter-notice ${c.reference} against your takedown request ${r.reference} ${outcome}\n\n${reason}\n\n${appeal}${SIGN_OFF(site)}`,
    },
  ];
}

function indent(text: string): string {
  return text
    .split('\n')
    .map((l) => `  ${l}`)
    .join('\n');
}
