using NanoLibNet;
using Xunit;

namespace NanoLibNet.Tests
{
    public class ByteRingTests
    {
        [Fact]
        public void ReceiveIntoASegmentStaysValidWhenTheReaderEmptiesTheRingMeanwhile()
        {
            // The engine takes the free segment under the netc's lock and receives into it outside
            // the lock; a task's Rx may empty the ring in between. The bytes committed afterwards
            // must be the ones read next (an earlier version moved the head to 0 when the ring
            // emptied, so the reader got stale bytes: a mismatch seen in the sample tests).
            var ring = new ByteRing(16);
            ring.Write(new byte[] { 1, 2, 3, 4, 5 }, 0, 5);
            int len = ring.WritableSegment(out int offset);
            Assert.Equal(11, len);

            var drained = new byte[5];
            Assert.Equal(5, ring.Read(drained, 0, 5));
            Assert.Equal(0, ring.Count);

            ring.Buffer[offset] = 42;
            ring.Buffer[offset + 1] = 43;
            ring.Commit(2);

            var got = new byte[2];
            Assert.Equal(2, ring.Read(got, 0, 2));
            Assert.Equal(new byte[] { 42, 43 }, got);
        }

        [Fact]
        public void WrapsAround()
        {
            var ring = new ByteRing(8);
            var buf = new byte[8];
            for (int round = 0; round < 20; round++)
            {
                ring.Write(new byte[] { (byte)round, (byte)(round + 1), (byte)(round + 2) }, 0, 3);
                Assert.Equal(3, ring.Read(buf, 0, 8));
                Assert.Equal(new byte[] { (byte)round, (byte)(round + 1), (byte)(round + 2) }, new[] { buf[0], buf[1], buf[2] });
            }
        }
    }
}
