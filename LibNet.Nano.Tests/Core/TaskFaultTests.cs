using System;
using System.IO;
using System.Runtime.CompilerServices;
using System.Threading;
using NanoLibNet;
using Xunit;

namespace NanoLibNet.Tests.Core
{
    /// <summary>
    /// A task whose body throws is never silent: the exception is written to the console with the
    /// task's name, counted in <see cref="SysPlus.TaskFaults"/>, readable afterwards through
    /// <see cref="SysPlus.LastFault"/> (a fixed table) and given to <see cref="SysPlus.FaultHandler"/>;
    /// its sockets are still released.
    /// </summary>
    public class TaskFaultTests : NetTest
    {
        /// <summary>Runs <paramref name="action"/> with the console captured; returns what was written.</summary>
        private static string CaptureConsole(Action action)
        {
            return CaptureConsole(written => action());
        }

        /// <summary>Same, handing <paramref name="action"/> a view of what was written so far.</summary>
        private static string CaptureConsole(Action<Func<string>> action)
        {
            TextWriter before = Console.Out;
            var captured = new StringWriter();
            TextWriter synced = TextWriter.Synchronized(captured);
            Console.SetOut(synced);
            try
            {
                action(() =>
                {
                    lock (synced)
                    {
                        return captured.ToString();
                    }
                });
            }
            finally
            {
                Console.SetOut(before);
            }

            return captured.ToString();
        }

        [MethodImpl(MethodImplOptions.NoInlining)]
        private static void FailDeepInside(string why)
        {
            throw new InvalidOperationException(why);
        }

        [Fact]
        public void ThrowingBodyIsWrittenOutWithItsNameCountedReadableAndItsSocketsReleased()
        {
            string name = UniqueName("crash");
            int faultsBefore = SysPlus.TaskFaults;
            NetCtrl netc = null;
            using (EchoPeer peer = EchoPeer.Tcp())
            {
                string output = CaptureConsole(() =>
                {
                    Assert.True(SysPlus.TaskInitEx(
                        arg =>
                        {
                            netc = NetCtrl.Create(Adapter, name);
                            Assert.True(LibNet.Connect(name, Bound, netc, "127.0.0.1", peer.Port));
                            FailDeepInside("boom in " + name);
                        },
                        name,
                        null,
                        null));
                    Assert.True(SysPlus.Join(name, Bound), "the task did not end");
                });

                // Written out: the name, the type, the message and the stack down to the throw.
                Assert.Contains("[SysPlus] task '" + name + "' failed: System.InvalidOperationException: boom in " + name, output);
                Assert.Contains(nameof(FailDeepInside), output);

                // Counted, and readable after the task ended.
                Assert.Equal(faultsBefore + 1, SysPlus.TaskFaults);
                Exception last = SysPlus.LastFault(name);
                Assert.IsType<InvalidOperationException>(last);
                Assert.Equal("boom in " + name, last.Message);

                // Its socket was released with it (and the leak check after the test finds nothing).
                Assert.NotNull(netc);
                Assert.Equal(NetCtrlState.Released, netc.State);
                Assert.True(Adapter.WaitIdle(Bound));
                Assert.Equal(1, peer.Accepted);
            }
        }

        [Fact]
        public void BodyThatReturnsLeavesNoFault()
        {
            string name = UniqueName("fine");
            int faultsBefore = SysPlus.TaskFaults;
            string output = CaptureConsole(() =>
            {
                Assert.True(SysPlus.TaskInitEx(arg => { }, name, null, null));
                Assert.True(SysPlus.Join(name, Bound));
            });
            Assert.Equal(faultsBefore, SysPlus.TaskFaults);
            Assert.Null(SysPlus.LastFault(name));
            Assert.DoesNotContain(name, output);
        }

        [Fact]
        public void HandlerRunsAfterTheTaskEndedAndMayStartItAgain()
        {
            string name = UniqueName("supervised");
            var handled = new ManualResetEventSlim();
            var restartedRan = new ManualResetEventSlim();
            string handledName = null;
            Exception handledFault = null;
            bool wasRegistered = true;
            bool restarted = false;
            SysPlus.FaultHandler = (taskName, ex) =>
            {
                handledName = taskName;
                handledFault = ex;
                wasRegistered = SysPlus.Exists(taskName);

                // The name is free again: a supervisor may restart the task at once.
                restarted = SysPlus.TaskInitEx(arg => restartedRan.Set(), taskName, null, null);
                handled.Set();
            };
            try
            {
                CaptureConsole(() =>
                {
                    Assert.True(SysPlus.TaskInitEx(arg => FailDeepInside("first run"), name, null, null));
                    Assert.True(handled.Wait(Bound), "the handler was not called");
                });
            }
            finally
            {
                SysPlus.FaultHandler = null;
            }

            Assert.Equal(name, handledName);
            Assert.Equal("first run", handledFault.Message);
            Assert.Same(handledFault, SysPlus.LastFault(name));
            Assert.False(wasRegistered, "the handler ran while the task was still registered");
            Assert.True(restarted, "the handler could not start the task again");
            Assert.True(restartedRan.Wait(Bound));
            Assert.True(SysPlus.Join(name, Bound));
        }

        [Fact]
        public void HandlerThatThrowsIsWrittenOutAndDropped()
        {
            string name = UniqueName("badhandler");
            var called = new ManualResetEventSlim();
            SysPlus.FaultHandler = (taskName, ex) =>
            {
                called.Set();
                throw new NotSupportedException("handler trouble");
            };
            string output;
            try
            {
                output = CaptureConsole(written =>
                {
                    Assert.True(SysPlus.TaskInitEx(arg => FailDeepInside("body trouble"), name, null, null));
                    Assert.True(called.Wait(Bound), "the handler was not called");

                    // Written on the task's thread once the handler has thrown.
                    Assert.True(
                        SpinWait.SpinUntil(() => written().Contains("SysPlus.FaultHandler failed for task '" + name + "'", StringComparison.Ordinal), Bound),
                        "the handler's failure was not written out:\n" + written());
                });
            }
            finally
            {
                SysPlus.FaultHandler = null;
            }

            Assert.Contains("System.NotSupportedException: handler trouble", output);
            Assert.Contains("task '" + name + "' failed: System.InvalidOperationException: body trouble", output);
        }

        [Fact]
        public void FaultTableIsBoundedAndARepeatingTaskTakesOneEntry()
        {
            string prefix = UniqueName("bounded");
            CaptureConsole(() =>
            {
                // One name fails three times, then FaultLogCapacity - 1 others once each: all are kept.
                for (int i = 0; i < 3; i++)
                {
                    Crash(prefix + "-again", "run " + i);
                }

                for (int i = 1; i < SysPlus.FaultLogCapacity; i++)
                {
                    Crash(prefix + "-" + i, "once");
                }

                Assert.Equal("run 2", SysPlus.LastFault(prefix + "-again").Message);
                for (int i = 1; i < SysPlus.FaultLogCapacity; i++)
                {
                    Assert.NotNull(SysPlus.LastFault(prefix + "-" + i));
                }

                // One more name: the oldest entry makes room, nothing grows.
                Crash(prefix + "-new", "newest");
                Assert.Null(SysPlus.LastFault(prefix + "-again"));
                Assert.Equal("newest", SysPlus.LastFault(prefix + "-new").Message);
                for (int i = 1; i < SysPlus.FaultLogCapacity; i++)
                {
                    Assert.NotNull(SysPlus.LastFault(prefix + "-" + i));
                }
            });
        }

        [Fact]
        public void LastFaultOfNullIsAnError()
        {
            Assert.Throws<ArgumentNullException>(() => SysPlus.LastFault(null));
        }

        private static void Crash(string name, string why)
        {
            Assert.True(SysPlus.TaskInitEx(arg => FailDeepInside(why), name, null, null));
            Assert.True(SysPlus.Join(name, Bound));
        }
    }
}
