/**
 * Durable tasks (migrate in, scheduled migration, export): their states and steps. Built out in
 * issue 16 on db-scheduler and the platform database.
 */
@NullMarked
package social.fedimon.server.task;

import org.jspecify.annotations.NullMarked;
