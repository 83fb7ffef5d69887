package social.fedimon.engine.archive;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.util.Arrays;

/**
 * Decodes 7-Zip's PPMd coder: Dmitry Shkarin's PPMd variant H model driven by 7-Zip's range
 * decoder, for exactly the number of bytes the archive declares.
 *
 * <p>The model lives in one byte array laid out as the reference decoder lays out its memory
 * (12-byte units; contexts of 12 bytes, states of 6; references are offsets into the array, 0 is
 * none), because when the model runs out of memory and restarts depends on that layout, and a
 * decoder must restart exactly where the encoder did. Input past the end of the packed stream, an
 * impossible code and an end mark before the declared size are all I/O failures: the archive is
 * damaged.
 */
final class PpmdInputStream extends BulkInputStream {

  /** Smallest and largest model orders and memory a 7z PPMd coder may declare. */
  static final int MIN_ORDER = 2;

  static final int MAX_ORDER = 64;
  static final int MIN_MEMORY = 1 << 11;

  private static final int UNIT_SIZE = 12;
  private static final int MAX_FREQ = 124;
  private static final int PERIOD_BITS = 7;
  private static final int BIN_SCALE = 1 << 14;
  private static final int NUM_INDEXES = 38;
  private static final int TOP = 1 << 24;
  private static final long MASK32 = 0xFFFF_FFFFL;
  private static final int[] EXP_ESCAPE = {25, 14, 9, 7, 5, 5, 4, 4, 4, 3, 3, 3, 2, 2, 2, 2};
  private static final int[] INIT_BIN_ESC = {
    0x3CDD, 0x1F3F, 0x59BF, 0x48F3, 0x64A1, 0x5ABC, 0x6632, 0x6051
  };
  private static final int[] INDEX_TO_UNITS = new int[NUM_INDEXES];
  private static final int[] UNITS_TO_INDEX = new int[128];
  private static final int[] NS_TO_INDEX = new int[256];
  private static final int[] NS_TO_BS_INDEX = new int[256];
  private static final int[] HB_TO_FLAG = new int[256];
  private static final int DUMMY_SEE = 25 * 16;

  private static final VarHandle U16 =
      MethodHandles.byteArrayViewVarHandle(short[].class, ByteOrder.LITTLE_ENDIAN);
  private static final VarHandle U32 =
      MethodHandles.byteArrayViewVarHandle(int[].class, ByteOrder.LITTLE_ENDIAN);

  static {
    int k = 0;
    for (int i = 0; i < NUM_INDEXES; i++) {
      int step = i >= 12 ? 4 : (i >> 2) + 1;
      do {
        UNITS_TO_INDEX[k++] = i;
      } while (--step != 0);
      INDEX_TO_UNITS[i] = k;
    }
    NS_TO_BS_INDEX[0] = 0;
    NS_TO_BS_INDEX[1] = 2;
    Arrays.fill(NS_TO_BS_INDEX, 2, 11, 4);
    Arrays.fill(NS_TO_BS_INDEX, 11, 256, 6);
    for (int i = 0; i < 3; i++) {
      NS_TO_INDEX[i] = i;
    }
    int m = 3;
    k = 1;
    for (int i = 3; i < 256; i++) {
      NS_TO_INDEX[i] = m;
      if (--k == 0) {
        k = ++m - 2;
      }
    }
    Arrays.fill(HB_TO_FLAG, 0x40, 256, 8);
  }

  private final InputStream in;
  private final byte[] input = new byte[64 * 1024];
  private int inputPos;
  private int inputEnd;
  private long remaining;

  private final byte[] mem;
  private final int size;
  private final int alignOffset;
  private final int maxOrder;

  private int minContext;
  private int maxContext;
  private int foundState;
  private int orderFall;
  private int initEsc;
  private int prevSuccess;
  private int hiBitsFlag;
  private int runLength;
  private int initRunLength;
  private int glueCount;
  private int loUnit;
  private int hiUnit;
  private int text;
  private int unitsStart;
  private final int[] freeList = new int[NUM_INDEXES];
  private final int[] seeSumm = new int[DUMMY_SEE + 1];
  private final int[] seeShift = new int[DUMMY_SEE + 1];
  private final int[] seeCount = new int[DUMMY_SEE + 1];
  private final int[] binSumm = new int[128 * 64];
  private final byte[] charMask = new byte[256];
  private final int[] ps = new int[256];
  private final int[] successorStates = new int[MAX_ORDER];
  private int escFreq;

  private long range;
  private long code;

  /**
   * @param order the model order from the coder's properties
   * @param memory the model's memory in bytes from the coder's properties (the caller checks it
   *     against its limit first: this allocates it)
   * @param outputSize how many bytes the packed stream decodes to
   */
  PpmdInputStream(InputStream in, int order, int memory, long outputSize) throws IOException {
    if (order < MIN_ORDER
        || order > MAX_ORDER
        || memory < MIN_MEMORY
        || memory > Integer.MAX_VALUE - 64) {
      throw new IOException("PPMd properties out of range (order " + order + ")");
    }
    this.in = in;
    this.remaining = outputSize;
    this.size = memory;
    this.alignOffset = 4 - (memory & 3);
    this.mem = new byte[alignOffset + memory + UNIT_SIZE];
    this.maxOrder = order;
    restartModel();
    seeShift[DUMMY_SEE] = PERIOD_BITS;
    seeCount[DUMMY_SEE] = 64;
    if (nextByte() != 0) {
      throw new IOException("a PPMd stream does not start with its range coder's zero");
    }
    for (int i = 0; i < 4; i++) {
      code = (code << 8) | nextByte();
    }
    range = MASK32;
    if (code == MASK32) {
      throw new IOException("a PPMd stream starts with an impossible code");
    }
  }

  @Override
  public int read(byte[] b, int off, int len) throws IOException {
    if (len == 0) {
      return 0;
    }
    if (remaining == 0) {
      return -1;
    }
    int n = (int) Math.min(len, remaining);
    try {
      for (int i = 0; i < n; i++) {
        int symbol = decodeSymbol();
        if (symbol < 0) {
          throw new IOException(
              symbol == -1
                  ? "a PPMd stream ends " + (remaining - i) + " bytes before its declared size"
                  : "a PPMd stream holds an impossible code");
        }
        b[off + i] = (byte) symbol;
      }
    } catch (IndexOutOfBoundsException | ArithmeticException e) {
      throw new IOException("a PPMd stream is damaged");
    }
    remaining -= n;
    return n;
  }

  @Override
  public void close() throws IOException {
    in.close();
  }

  private int nextByte() throws IOException {
    if (inputPos == inputEnd) {
      int n = in.read(input, 0, input.length);
      if (n <= 0) {
        throw new EOFException("the PPMd stream is cut short");
      }
      inputPos = 0;
      inputEnd = n;
    }
    return input[inputPos++] & 0xFF;
  }

  // ---- memory layout -----------------------------------------------------------------------

  private int u16(int offset) {
    return (short) U16.get(mem, offset) & 0xFFFF;
  }

  private void setU16(int offset, int value) {
    U16.set(mem, offset, (short) value);
  }

  private int u32(int offset) {
    return (int) U32.get(mem, offset);
  }

  private void setU32(int offset, int value) {
    U32.set(mem, offset, value);
  }

  // a context: NumStats u16, SummFreq u16, Stats ref, Suffix ref; its one state sits at +2
  private int numStats(int ctx) {
    return u16(ctx);
  }

  private int summFreq(int ctx) {
    return u16(ctx + 2);
  }

  private int stats(int ctx) {
    return u32(ctx + 4);
  }

  private int suffix(int ctx) {
    return u32(ctx + 8);
  }

  // a state: Symbol u8, Freq u8, Successor ref (two u16 halves, low first)
  private int symbol(int state) {
    return mem[state] & 0xFF;
  }

  private int freq(int state) {
    return mem[state + 1] & 0xFF;
  }

  private void setFreq(int state, int value) {
    mem[state + 1] = (byte) value;
  }

  private int successor(int state) {
    return u32(state + 2);
  }

  private void setSuccessor(int state, int value) {
    setU32(state + 2, value);
  }

  private void copyState(int from, int to) {
    System.arraycopy(mem, from, mem, to, 6);
  }

  private void swapStates(int a, int b) {
    for (int i = 0; i < 6; i++) {
      byte t = mem[a + i];
      mem[a + i] = mem[b + i];
      mem[b + i] = t;
    }
  }

  private static int unitsToIndex(int units) {
    return UNITS_TO_INDEX[units - 1];
  }

  // ---- the sub-allocator ---------------------------------------------------------------------

  private void insertNode(int node, int index) {
    setU32(node, freeList[index]);
    freeList[index] = node;
  }

  private int removeNode(int index) {
    int node = freeList[index];
    freeList[index] = u32(node);
    return node;
  }

  private void splitBlock(int ptr, int oldIndex, int newIndex) {
    int units = INDEX_TO_UNITS[oldIndex] - INDEX_TO_UNITS[newIndex];
    ptr += INDEX_TO_UNITS[newIndex] * UNIT_SIZE;
    int i = unitsToIndex(units);
    if (INDEX_TO_UNITS[i] != units) {
      int k = INDEX_TO_UNITS[--i];
      insertNode(ptr + k * UNIT_SIZE, units - k - 1);
    }
    insertNode(ptr, i);
  }

  // a free node while glueing: Stamp u16, NU u16, Next ref, Prev ref
  private void glueFreeBlocks() {
    int head = alignOffset + size;
    int n = head;
    glueCount = 255;
    for (int i = 0; i < NUM_INDEXES; i++) {
      int units = INDEX_TO_UNITS[i];
      int next = freeList[i];
      freeList[i] = 0;
      while (next != 0) {
        int node = next;
        setU32(node + 4, n);
        setU32(n + 8, next);
        n = next;
        next = u32(node);
        setU16(node, 0);
        setU16(node + 2, units);
      }
    }
    setU16(head, 1);
    setU32(head + 4, n);
    setU32(n + 8, head);
    if (loUnit != hiUnit) {
      setU16(loUnit, 1);
    }
    while (n != head) {
      int node = n;
      int units = u16(node + 2);
      for (; ; ) {
        int node2 = node + units * UNIT_SIZE;
        units += u16(node2 + 2);
        if (u16(node2) != 0 || units >= 0x10000) {
          break;
        }
        setU32(u32(node2 + 8) + 4, u32(node2 + 4));
        setU32(u32(node2 + 4) + 8, u32(node2 + 8));
        setU16(node + 2, units);
      }
      n = u32(node + 4);
    }
    for (n = u32(head + 4); n != head; ) {
      int node = n;
      int next = u32(node + 4);
      int units = u16(node + 2);
      for (; units > 128; units -= 128, node += 128 * UNIT_SIZE) {
        insertNode(node, NUM_INDEXES - 1);
      }
      int i = unitsToIndex(units);
      if (INDEX_TO_UNITS[i] != units) {
        int k = INDEX_TO_UNITS[--i];
        insertNode(node + k * UNIT_SIZE, units - k - 1);
      }
      insertNode(node, i);
      n = next;
    }
  }

  private int allocUnitsRare(int index) {
    if (glueCount == 0) {
      glueFreeBlocks();
      if (freeList[index] != 0) {
        return removeNode(index);
      }
    }
    int i = index;
    do {
      if (++i == NUM_INDEXES) {
        int bytes = INDEX_TO_UNITS[index] * UNIT_SIZE;
        glueCount--;
        if (unitsStart - text > bytes) {
          unitsStart -= bytes;
          return unitsStart;
        }
        return 0;
      }
    } while (freeList[i] == 0);
    int block = removeNode(i);
    splitBlock(block, i, index);
    return block;
  }

  private int allocUnits(int index) {
    if (freeList[index] != 0) {
      return removeNode(index);
    }
    int bytes = INDEX_TO_UNITS[index] * UNIT_SIZE;
    if (bytes <= hiUnit - loUnit) {
      int block = loUnit;
      loUnit += bytes;
      return block;
    }
    return allocUnitsRare(index);
  }

  private int shrinkUnits(int oldPtr, int oldUnits, int newUnits) {
    int i0 = unitsToIndex(oldUnits);
    int i1 = unitsToIndex(newUnits);
    if (i0 == i1) {
      return oldPtr;
    }
    if (freeList[i1] != 0) {
      int ptr = removeNode(i1);
      System.arraycopy(mem, oldPtr, mem, ptr, newUnits * UNIT_SIZE);
      insertNode(oldPtr, i0);
      return ptr;
    }
    splitBlock(oldPtr, i0, i1);
    return oldPtr;
  }

  // ---- the model -----------------------------------------------------------------------------

  private void restartModel() {
    Arrays.fill(freeList, 0);
    text = alignOffset;
    hiUnit = text + size;
    loUnit = unitsStart = hiUnit - size / 8 / UNIT_SIZE * 7 * UNIT_SIZE;
    glueCount = 0;
    orderFall = maxOrder;
    runLength = initRunLength = -Math.min(maxOrder, 12) - 1;
    prevSuccess = 0;

    hiUnit -= UNIT_SIZE;
    minContext = maxContext = hiUnit;
    setU32(minContext + 8, 0);
    setU16(minContext, 256);
    setU16(minContext + 2, 256 + 1);
    foundState = loUnit;
    setU32(minContext + 4, foundState);
    loUnit += 256 / 2 * UNIT_SIZE;
    for (int i = 0; i < 256; i++) {
      int s = foundState + i * 6;
      mem[s] = (byte) i;
      mem[s + 1] = 1;
      setSuccessor(s, 0);
    }
    for (int i = 0; i < 128; i++) {
      for (int k = 0; k < 8; k++) {
        int value = BIN_SCALE - INIT_BIN_ESC[k] / (i + 2);
        for (int m = 0; m < 64; m += 8) {
          binSumm[i * 64 + k + m] = value;
        }
      }
    }
    for (int i = 0; i < 25; i++) {
      for (int k = 0; k < 16; k++) {
        int see = i * 16 + k;
        seeShift[see] = PERIOD_BITS - 4;
        seeSumm[see] = (5 * i + 10) << seeShift[see];
        seeCount[see] = 4;
      }
    }
  }

  private int createSuccessors(boolean skip) {
    int c = minContext;
    int upBranch = successor(foundState);
    int foundSymbol = symbol(foundState);
    int[] states = successorStates;
    int count = 0;
    if (!skip) {
      states[count++] = foundState;
    }
    while (suffix(c) != 0) {
      c = suffix(c);
      int s;
      if (numStats(c) != 1) {
        s = stats(c);
        while (symbol(s) != foundSymbol) {
          s += 6;
        }
      } else {
        s = c + 2;
      }
      int next = successor(s);
      if (next != upBranch) {
        c = next;
        if (count == 0) {
          return c;
        }
        break;
      }
      states[count++] = s;
    }
    int upSymbol = mem[upBranch] & 0xFF;
    int upSuccessor = upBranch + 1;
    int upFreq;
    if (numStats(c) == 1) {
      upFreq = freq(c + 2);
    } else {
      int s = stats(c);
      while (symbol(s) != upSymbol) {
        s += 6;
      }
      int cf = freq(s) - 1;
      int s0 = summFreq(c) - numStats(c) - cf;
      upFreq = 1 + ((2 * cf <= s0) ? (5 * cf > s0 ? 1 : 0) : ((2 * cf + 3 * s0 - 1) / (2 * s0)));
    }
    do {
      int c1;
      if (hiUnit != loUnit) {
        c1 = hiUnit -= UNIT_SIZE;
      } else if (freeList[0] != 0) {
        c1 = removeNode(0);
      } else {
        c1 = allocUnitsRare(0);
        if (c1 == 0) {
          return 0;
        }
      }
      setU16(c1, 1);
      mem[c1 + 2] = (byte) upSymbol;
      mem[c1 + 3] = (byte) upFreq;
      setU32(c1 + 4, upSuccessor);
      setU32(c1 + 8, c);
      setSuccessor(states[--count], c1);
      c = c1;
    } while (count != 0);
    return c;
  }

  private void updateModel() {
    int fSuccessor = successor(foundState);
    int fSymbol = symbol(foundState);
    if (freq(foundState) < MAX_FREQ / 4 && suffix(minContext) != 0) {
      int c = suffix(minContext);
      if (numStats(c) == 1) {
        int s = c + 2;
        if (freq(s) < 32) {
          setFreq(s, freq(s) + 1);
        }
      } else {
        int s = stats(c);
        if (symbol(s) != fSymbol) {
          do {
            s += 6;
          } while (symbol(s) != fSymbol);
          if (freq(s) >= freq(s - 6)) {
            swapStates(s, s - 6);
            s -= 6;
          }
        }
        if (freq(s) < MAX_FREQ - 9) {
          setFreq(s, freq(s) + 2);
          setU16(c + 2, summFreq(c) + 2);
        }
      }
    }

    if (orderFall == 0) {
      minContext = maxContext = createSuccessors(true);
      if (minContext == 0) {
        restartModel();
        return;
      }
      setSuccessor(foundState, minContext);
      return;
    }

    mem[text++] = (byte) fSymbol;
    int successor = text;
    if (text >= unitsStart) {
      restartModel();
      return;
    }
    if (fSuccessor != 0) {
      if (fSuccessor <= successor) {
        int cs = createSuccessors(false);
        if (cs == 0) {
          restartModel();
          return;
        }
        fSuccessor = cs;
      }
      if (--orderFall == 0) {
        successor = fSuccessor;
        if (maxContext != minContext) {
          text--;
        }
      }
    } else {
      setSuccessor(foundState, successor);
      fSuccessor = minContext;
    }

    int ns = numStats(minContext);
    int s0 = summFreq(minContext) - ns - (freq(foundState) - 1);
    for (int c = maxContext; c != minContext; c = suffix(c)) {
      int ns1 = numStats(c);
      if (ns1 != 1) {
        if ((ns1 & 1) == 0) {
          int oldUnits = ns1 >>> 1;
          int i = unitsToIndex(oldUnits);
          if (i != unitsToIndex(oldUnits + 1)) {
            int ptr = allocUnits(i + 1);
            if (ptr == 0) {
              restartModel();
              return;
            }
            int oldPtr = stats(c);
            System.arraycopy(mem, oldPtr, mem, ptr, oldUnits * UNIT_SIZE);
            insertNode(oldPtr, i);
            setU32(c + 4, ptr);
          }
        }
        int sf = summFreq(c);
        setU16(c + 2, sf + (2 * ns1 < ns ? 1 : 0) + 2 * ((4 * ns1 <= ns && sf <= 8 * ns1) ? 1 : 0));
      } else {
        int s = allocUnits(0);
        if (s == 0) {
          restartModel();
          return;
        }
        copyState(c + 2, s);
        setU32(c + 4, s);
        int f = freq(s);
        f = f < MAX_FREQ / 4 - 1 ? f << 1 : MAX_FREQ - 4;
        setFreq(s, f);
        setU16(c + 2, f + initEsc + (ns > 3 ? 1 : 0));
      }
      int cf = 2 * freq(foundState) * (summFreq(c) + 6);
      int sf = s0 + summFreq(c);
      if (cf < 6 * sf) {
        cf = 1 + (cf > sf ? 1 : 0) + (cf >= 4 * sf ? 1 : 0);
        setU16(c + 2, summFreq(c) + 3);
      } else {
        cf = 4 + (cf >= 9 * sf ? 1 : 0) + (cf >= 12 * sf ? 1 : 0) + (cf >= 15 * sf ? 1 : 0);
        setU16(c + 2, summFreq(c) + cf);
      }
      int s = stats(c) + ns1 * 6;
      setSuccessor(s, successor);
      mem[s] = (byte) fSymbol;
      mem[s + 1] = (byte) cf;
      setU16(c, ns1 + 1);
    }
    maxContext = minContext = fSuccessor;
  }

  private void rescale() {
    int stats = stats(minContext);
    int s = foundState;
    byte[] tmp = new byte[6];
    System.arraycopy(mem, s, tmp, 0, 6);
    System.arraycopy(mem, stats, mem, stats + 6, s - stats);
    System.arraycopy(tmp, 0, mem, stats, 6);
    s = stats;
    int esc = summFreq(minContext) - freq(s);
    int adder = orderFall != 0 ? 1 : 0;
    setFreq(s, ((freq(s) + 4) & 0xFF) + adder >> 1);
    int sumFreq = freq(s);
    int i = numStats(minContext) - 1;
    do {
      s += 6;
      esc -= freq(s);
      setFreq(s, (freq(s) + adder) >> 1);
      sumFreq += freq(s);
      if (freq(s) > freq(s - 6)) {
        int s1 = s;
        System.arraycopy(mem, s1, tmp, 0, 6);
        int tmpFreq = tmp[1] & 0xFF;
        do {
          copyState(s1 - 6, s1);
          s1 -= 6;
        } while (s1 != stats && tmpFreq > freq(s1 - 6));
        System.arraycopy(tmp, 0, mem, s1, 6);
      }
    } while (--i != 0);

    if (freq(s) == 0) {
      int numStats = numStats(minContext);
      i = 0;
      do {
        i++;
        s -= 6;
      } while (freq(s) == 0);
      esc += i;
      setU16(minContext, numStats - i);
      if (numStats(minContext) == 1) {
        System.arraycopy(mem, stats, tmp, 0, 6);
        int tmpFreq = tmp[1] & 0xFF;
        do {
          tmpFreq -= tmpFreq >> 1;
          esc >>>= 1;
        } while (esc > 1);
        tmp[1] = (byte) tmpFreq;
        insertNode(stats, unitsToIndex((numStats + 1) >> 1));
        foundState = minContext + 2;
        System.arraycopy(tmp, 0, mem, foundState, 6);
        return;
      }
      int n0 = (numStats + 1) >> 1;
      int n1 = (numStats(minContext) + 1) >> 1;
      if (n0 != n1) {
        setU32(minContext + 4, shrinkUnits(stats, n0, n1));
      }
    }
    setU16(minContext + 2, sumFreq + esc - (esc >> 1));
    foundState = stats(minContext);
  }

  private int makeEscFreq(int numMasked) {
    int ns = numStats(minContext);
    int nonMasked = ns - numMasked;
    if (ns != 256) {
      int see =
          NS_TO_INDEX[nonMasked - 1] * 16
              + (Integer.compareUnsigned(nonMasked, numStats(suffix(minContext)) - ns) < 0 ? 1 : 0)
              + 2 * (summFreq(minContext) < 11 * ns ? 1 : 0)
              + 4 * (numMasked > nonMasked ? 1 : 0)
              + hiBitsFlag;
      int r = seeSumm[see] >>> seeShift[see];
      seeSumm[see] = (seeSumm[see] - r) & 0xFFFF;
      escFreq = r + (r == 0 ? 1 : 0);
      return see;
    }
    escFreq = 1;
    return DUMMY_SEE;
  }

  private void updateSee(int see) {
    if (seeShift[see] < PERIOD_BITS && (seeCount[see] = (seeCount[see] - 1) & 0xFF) == 0) {
      seeSumm[see] = (seeSumm[see] << 1) & 0xFFFF;
      seeCount[see] = (3 << seeShift[see]++) & 0xFF;
    }
  }

  private void nextContext() {
    int c = successor(foundState);
    if (orderFall == 0 && c > text) {
      minContext = maxContext = c;
    } else {
      updateModel();
    }
  }

  private void update1() {
    int s = foundState;
    setFreq(s, freq(s) + 4);
    setU16(minContext + 2, summFreq(minContext) + 4);
    if (freq(s) > freq(s - 6)) {
      swapStates(s, s - 6);
      foundState = s -= 6;
      if (freq(s) > MAX_FREQ) {
        rescale();
      }
    }
    nextContext();
  }

  private void update1First() {
    prevSuccess = 2 * freq(foundState) > summFreq(minContext) ? 1 : 0;
    runLength += prevSuccess;
    setU16(minContext + 2, summFreq(minContext) + 4);
    setFreq(foundState, freq(foundState) + 4);
    if (freq(foundState) > MAX_FREQ) {
      rescale();
    }
    nextContext();
  }

  private void updateBinary() {
    int f = freq(foundState);
    setFreq(foundState, f + (f < 128 ? 1 : 0));
    prevSuccess = 1;
    runLength++;
    nextContext();
  }

  private void update2() {
    setU16(minContext + 2, summFreq(minContext) + 4);
    setFreq(foundState, freq(foundState) + 4);
    if (freq(foundState) > MAX_FREQ) {
      rescale();
    }
    runLength = initRunLength;
    updateModel();
  }

  // ---- the range decoder -----------------------------------------------------------------------

  private long threshold(long total) {
    range = range / total;
    return code / range;
  }

  private void decode(long start, long size) throws IOException {
    code = (code - start * range) & MASK32;
    range = (range * size) & MASK32;
    normalize();
  }

  private int decodeBit(int size0) throws IOException {
    long bound = (range >>> 14) * size0;
    int bit;
    if (code < bound) {
      range = bound;
      bit = 0;
    } else {
      code -= bound;
      range -= bound;
      bit = 1;
    }
    normalize();
    return bit;
  }

  private void normalize() throws IOException {
    if (range < TOP) {
      code = ((code << 8) | nextByte()) & MASK32;
      range = (range << 8) & MASK32;
      if (range < TOP) {
        code = ((code << 8) | nextByte()) & MASK32;
        range = (range << 8) & MASK32;
      }
    }
  }

  // ---- one symbol ----------------------------------------------------------------------------

  /** The next byte, -1 at an end mark, -2 for a code no symbol has. */
  private int decodeSymbol() throws IOException {
    if (numStats(minContext) != 1) {
      int s = stats(minContext);
      long count = threshold(summFreq(minContext));
      long hiCnt = freq(s);
      if (count < hiCnt) {
        decode(0, freq(s));
        foundState = s;
        int symbol = symbol(s);
        update1First();
        return symbol;
      }
      prevSuccess = 0;
      int i = numStats(minContext) - 1;
      do {
        s += 6;
        if ((hiCnt += freq(s)) > count) {
          decode(hiCnt - freq(s), freq(s));
          foundState = s;
          int symbol = symbol(s);
          update1();
          return symbol;
        }
      } while (--i != 0);
      if (count >= summFreq(minContext)) {
        return -2;
      }
      hiBitsFlag = HB_TO_FLAG[symbol(foundState)];
      decode(hiCnt, summFreq(minContext) - hiCnt);
      Arrays.fill(charMask, (byte) -1);
      charMask[symbol(s)] = 0;
      i = numStats(minContext) - 1;
      do {
        s -= 6;
        charMask[symbol(s)] = 0;
      } while (--i != 0);
    } else {
      int one = minContext + 2;
      hiBitsFlag = HB_TO_FLAG[symbol(foundState)];
      int prob =
          (freq(one) - 1) * 64
              + prevSuccess
              + NS_TO_BS_INDEX[numStats(suffix(minContext)) - 1]
              + hiBitsFlag
              + 2 * HB_TO_FLAG[symbol(one)]
              + ((runLength >> 26) & 0x20);
      if (decodeBit(binSumm[prob]) == 0) {
        binSumm[prob] = binSumm[prob] + (1 << 7) - mean(binSumm[prob]);
        foundState = one;
        int symbol = symbol(one);
        updateBinary();
        return symbol;
      }
      binSumm[prob] = binSumm[prob] - mean(binSumm[prob]);
      initEsc = EXP_ESCAPE[binSumm[prob] >>> 10];
      Arrays.fill(charMask, (byte) -1);
      charMask[symbol(one)] = 0;
      prevSuccess = 0;
    }
    for (; ; ) {
      int numMasked = numStats(minContext);
      do {
        orderFall++;
        if (suffix(minContext) == 0) {
          return -1;
        }
        minContext = suffix(minContext);
      } while (numStats(minContext) == numMasked);
      long hiCnt = 0;
      int s = stats(minContext);
      int i = 0;
      int num = numStats(minContext) - numMasked;
      do {
        int k = charMask[symbol(s)];
        hiCnt += freq(s) & k;
        ps[i] = s;
        s += 6;
        i -= k;
      } while (i != num);
      int see = makeEscFreq(numMasked);
      long freqSum = escFreq + hiCnt;
      long count = threshold(freqSum);
      if (count < hiCnt) {
        int k = 0;
        hiCnt = 0;
        while ((hiCnt += freq(ps[k])) <= count) {
          k++;
        }
        s = ps[k];
        decode(hiCnt - freq(s), freq(s));
        updateSee(see);
        foundState = s;
        int symbol = symbol(s);
        update2();
        return symbol;
      }
      if (count >= freqSum) {
        return -2;
      }
      decode(hiCnt, freqSum - hiCnt);
      seeSumm[see] = (seeSumm[see] + (int) freqSum) & 0xFFFF;
      do {
        charMask[symbol(ps[--i])] = 0;
      } while (i != 0);
    }
  }

  private static int mean(int summ) {
    return (summ + (1 << (PERIOD_BITS - 2))) >>> PERIOD_BITS;
  }
}
