package social.fedimon.engine.dump;

/** A stream of COPY data that counts its rows (lines) as it is read or skipped. */
interface RowCounting {

  /** Rows read or skipped so far. */
  long rowsRead();
}
