/** The FédiMon server: web console, REST API and the work behind them. */
@NullMarked
package social.fedimon.server;

import org.jspecify.annotations.NullMarked;
