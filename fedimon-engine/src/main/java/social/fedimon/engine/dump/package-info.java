/** pg_dump's formats: recognizing, reading, guarding and restoring them. */
@NullMarked
package social.fedimon.engine.dump;

import org.jspecify.annotations.NullMarked;
