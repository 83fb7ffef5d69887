/**
 * The web console: the pages admins and operators use (Thymeleaf, htmx), in English and French.
 * Every action here also exists in the API; the pages call the same services.
 */
@NullMarked
package social.fedimon.server.console;

import org.jspecify.annotations.NullMarked;
