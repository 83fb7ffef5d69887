/**
 * Export out: a database (pg_dump, custom format) and an instance's env, streamed into one {@code
 * tar.zst}, encrypted to an OpenPGP key when asked, then read back and checked before it is
 * offered.
 */
@NullMarked
package social.fedimon.engine.export;

import org.jspecify.annotations.NullMarked;
