using BenchmarkDotNet.Attributes;

namespace NanoLibNet.Bench
{
    /// <summary>
    /// Echo round trip, LibNet against raw blocking sockets, in the same run, against the same
    /// loopback echo peer. Each invocation is a batch of <see cref="Batch"/> round trips on the
    /// client's own thread (a LibNet task, or a plain thread for raw): the figures are per round
    /// trip. MemoryDiagnoser counts allocations on every thread (GC.GetTotalAllocatedBytes), so
    /// the engine thread is included.
    /// </summary>
    [MemoryDiagnoser]
    public class EchoBenchmarks
    {
        /// <summary>Round trips per invocation.</summary>
        public const int Batch = 200;

        private ThreadedEchoPeer _peer;
        private SocketAdapter _adapter;
        private LibNetEchoClient _libnet;
        private RawEchoClient _raw;

        /// <summary>Payload bytes each way.</summary>
        [Params(64, 1024)]
        public int Size { get; set; }

        [GlobalSetup]
        public void Setup()
        {
            _peer = new ThreadedEchoPeer();
            _adapter = new SocketAdapter { BindAddress = Loop.Ip };
            _libnet = new LibNetEchoClient(_adapter, _peer.Port, Size);
            _raw = new RawEchoClient(_peer.Port, Size);
        }

        [GlobalCleanup]
        public void Cleanup()
        {
            _libnet.Dispose();
            _raw.Dispose();
            _adapter.WaitIdle(10000);
            _peer.Dispose();
        }

        [Benchmark(Baseline = true, OperationsPerInvoke = Batch, Description = "Raw Send+Receive")]
        public void Raw()
        {
            _raw.Run(Batch);
        }

        [Benchmark(OperationsPerInvoke = Batch, Description = "LibNet Tx+Wait+Rx")]
        public void LibNetTask()
        {
            _libnet.Run(Batch);
        }
    }
}
