using System;
using System.Threading;

namespace NanoLibNet.Tests.Concurrency
{
    /// <summary>
    /// Runs two actions on two threads released at the same instant, many times: the stress
    /// harness of the race regressions. Iterations: the given count, or <c>LIBNET_SOAK</c> times
    /// it when that variable is set (a number), for a longer hunt.
    /// </summary>
    internal sealed class Races : IDisposable
    {
        private readonly Barrier _start = new Barrier(2);
        private readonly Barrier _end = new Barrier(2);
        private readonly Thread _other;
        private volatile Action _second;
        private volatile bool _stop;
        private Exception _otherFault;

        internal Races()
        {
            _other = new Thread(OtherLoop) { IsBackground = true };
            _other.Start();
        }

        /// <summary>Iterations for a race test: <paramref name="ci"/>, multiplied by LIBNET_SOAK when set.</summary>
        internal static int Iterations(int ci)
        {
            string soak = Environment.GetEnvironmentVariable("LIBNET_SOAK");
            return int.TryParse(soak, out int k) && k > 1 ? ci * k : ci;
        }

        /// <summary>Runs <paramref name="first"/> here and <paramref name="second"/> on the other thread, together.</summary>
        internal void Together(Action first, Action second)
        {
            _second = second;
            _start.SignalAndWait();
            try
            {
                first();
            }
            finally
            {
                _end.SignalAndWait();
            }

            if (_otherFault != null)
            {
                Exception f = _otherFault;
                _otherFault = null;
                throw new InvalidOperationException("the other thread failed", f);
            }
        }

        private void OtherLoop()
        {
            while (true)
            {
                _start.SignalAndWait();
                if (_stop)
                {
                    return;
                }

                try
                {
                    _second();
                }
                catch (Exception ex)
                {
                    _otherFault = ex;
                }

                _end.SignalAndWait();
            }
        }

        public void Dispose()
        {
            _stop = true;
            _start.SignalAndWait();
            _other.Join();
        }
    }
}
