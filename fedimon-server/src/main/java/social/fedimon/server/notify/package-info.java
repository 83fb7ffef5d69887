/** The mails at each milestone of an admin's instance, in the account's language. */
@NullMarked
package social.fedimon.server.notify;

import org.jspecify.annotations.NullMarked;
