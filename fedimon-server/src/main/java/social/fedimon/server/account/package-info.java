/**
 * Accounts, personal access tokens and who is an operator: what the API needs to know who asks. The
 * console's log-in, 2FA and settings build on these.
 */
@NullMarked
package social.fedimon.server.account;

import org.jspecify.annotations.NullMarked;
