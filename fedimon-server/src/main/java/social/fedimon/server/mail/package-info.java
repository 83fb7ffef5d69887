/** Outgoing mail: an SMTP relay, or the outbox folder of the embedded default. */
@NullMarked
package social.fedimon.server.mail;

import org.jspecify.annotations.NullMarked;
