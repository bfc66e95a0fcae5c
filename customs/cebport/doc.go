// Package cebport exchanges CEB messages with China Customs the way enterprises do through the
// single-window (中国国际贸易单一窗口 / E-Port) client: every outgoing message is signed by a
// pluggable Signer, wrapped in a DxpMsg envelope (base64 payload) and written as one file into the
// client's outbox directory; the receipts the client drops into its inbox directory are claimed,
// unwrapped, handed to a Handler and moved aside.
//
// It is the file adapter next to the domain codec customs/ceb: it reads and writes files, knows
// nothing of the store, and is safe to run on several nodes over one shared directory and across
// restarts:
//
//   - Writing is all-or-nothing: the envelope goes to a hidden temporary file, is synced, and is
//     hard-linked to its final name <CopMsgId>.xml, which fails when that name exists — so the
//     client never sees a half-written file and the same message sent twice (a retry after a
//     crash) is one file (Send answers ErrAlreadySent).
//   - Each inbox file is handled once at a time: a node claims it by renaming it into its own
//     claim directory (.claims/NODE/); rename is atomic, so of two nodes racing for a file one
//     wins and the other sees it gone. A claim left behind by a node that died is taken over by
//     any node once it is older than Config.Stale (default 10 minutes). Between a handler's
//     success and the move to done/ a crash can make a file be handled twice, so handlers must be
//     idempotent (receipts are: the same receipt applied twice changes nothing).
//   - A file the handler rejects as permanently bad (ceb.Problems, or an error wrapping
//     ErrPermanent) goes to failed/ with a NAME.err file saying why; a transient error leaves the
//     claim in place and the file is retried on the next poll.
//
// Signing: China Customs requires messages signed with the enterprise's SM2 key (SM3 digest) via
// its card/ukey or signing service. This project does not implement or ship any signer, key or
// certificate: Unsigned passes messages through for tests and the simulated demo responder, and a
// post plugs its own signer in by implementing Signer (docs/formats.md, "CEB exchange directory").
package cebport
