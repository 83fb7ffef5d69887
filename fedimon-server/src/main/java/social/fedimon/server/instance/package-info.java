/** Instance requests: a domain, its approvals, its backup and its pre-flight report. */
@NullMarked
package social.fedimon.server.instance;

import org.jspecify.annotations.NullMarked;
