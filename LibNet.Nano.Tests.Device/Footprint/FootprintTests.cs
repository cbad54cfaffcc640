using System.Net.Sockets;
using System.Threading;
using nanoFramework.TestFramework;
using NativeGC = nanoFramework.Runtime.Native.GC;

namespace NanoLibNet.Tests.Device
{
    /// <summary>
    /// What LibNet costs in managed heap, measured on the nanoCLR with
    /// <c>nanoFramework.Runtime.Native.GC.Run(false)</c> (free heap after a collection) before
    /// and after making each thing; never <c>GC.Run(true)</c>, whose compaction corrupts this
    /// build's heap. nanovm is a 64-bit build: a heap block is 24 bytes where a 32-bit device
    /// (ESP32) has 12, so object and thread costs about halve on the device while byte-array
    /// contents cost the same; each line also prints that projection (docs/ram-budget.md).
    /// The .pe sizes are printed by eng/device-tests.sh (the device has no file to measure).
    /// </summary>
    [TestClass]
    public class FootprintTests
    {
        private static readonly object[] s_keep = new object[8];

        /// <summary>
        /// The free heap once it has settled: what an engine or worker thread frees a moment after
        /// a change (a closed transport it still held) must not count against the next step.
        /// </summary>
        private static long Free()
        {
            long last = NativeGC.Run(false);
            for (int i = 0; i < 20; i++)
            {
                Thread.Sleep(20);
                long now = NativeGC.Run(false);
                if (now - last < 256 && last - now < 256)
                {
                    return now;
                }

                last = now;
            }

            return last;
        }

        /// <summary>Bytes per heap block here: 24 on a 64-bit build such as nanovm, 12 on a 32-bit device.</summary>
        private static long s_block;

        /// <summary>
        /// Prints a measured cost and its projection to a 32-bit device (12-byte blocks);
        /// <paramref name="payload"/> = raw byte/int array contents in it, which cost the same on both.
        /// On a 32-bit board the projection is the measurement itself.
        /// </summary>
        private static long Report(string what, long measured, long payload)
        {
            long device = (measured - payload) * 12 / s_block + payload;
            OutputHelper.WriteLine("footprint: " + what + ": " + measured + " B measured here (" + s_block + "-byte heap blocks), ~" + device + " B projected for a 32-bit ESP32");
            return measured;
        }

        /// <summary>Measures the heap block size: 100 field-less objects in an array are about 200 blocks.</summary>
        private static long BlockBytes()
        {
            long f0 = Free();
            object[] objs = new object[100];
            for (int i = 0; i < objs.Length; i++)
            {
                objs[i] = new object();
            }

            s_keep[7] = objs;
            long cost = f0 - Free();
            s_keep[7] = null;
            return cost >= 200 * 18 ? 24 : 12;
        }

        [TestMethod]
        public void WhatEachPartCostsInManagedHeap()
        {
            Env.Begin();
            Peers.RequireSockets();

            // Warm up once: types, statics and strings loaded the first time are not part of the cost of a second.
            s_block = BlockBytes();
            OutputHelper.WriteLine("footprint: heap blocks of " + s_block + " bytes here (" + (s_block == 24 ? "a 64-bit build such as nanovm" : "a 32-bit device") + ")");
            Measure(false);
            Measure(true);
            Env.End();
        }

        private static void Measure(bool print)
        {
            Env.Begin();
            string t16 = null;
            string t32 = null;
            Socket listener = null;
            NetCtrl[] made = new NetCtrl[12];
            try
            {
                MeasureAll(print, ref t16, ref t32, ref listener, made);
            }
            finally
            {
                for (int i = 0; i < made.Length; i++)
                {
                    if (made[i] != null)
                    {
                        made[i].Release();
                    }
                }

                Peers.CloseQuietly(listener);
                if (t16 != null)
                {
                    SysPlus.SendMsg(t16, 1, 0);
                }

                if (t32 != null)
                {
                    SysPlus.SendMsg(t32, 1, 0);
                }

                for (int i = 0; i < s_keep.Length; i++)
                {
                    s_keep[i] = null;
                }
            }

            Env.End();
        }

        private static void MeasureAll(bool print, ref string t16, ref string t32, ref Socket listener, NetCtrl[] made)
        {
            // A task waiting in WaitMsg (where tasks spend their time), with a 16-slot mailbox; then one with 32.
            long f0 = Free();
            t16 = Env.Start("fp16", me => { TaskMessage m; SysPlus.WaitMsg(me, 1, Timeout.Infinite, out m); }, null, 16);
            string w16 = t16;
            Env.Until(() => Env.Blocked(w16), "the task waits");
            long task16 = f0 - Free();
            f0 = Free();
            t32 = Env.Start("fp32", me => { TaskMessage m; SysPlus.WaitMsg(me, 1, Timeout.Infinite, out m); }, null, 32);
            string w32 = t32;
            Env.Until(() => Env.Blocked(w32), "the task waits");
            long task32 = f0 - Free();

            // The adapter object, then its first netc (which starts the engine thread), then a second one.
            f0 = Free();
            SocketAdapter a = new SocketAdapter();
            a.BindAddress = Peers.Ip;
            s_keep[0] = a;
            long adapter = f0 - Free();
            Env.Track(a);
            f0 = Free();
            NetCtrl first = Bytes.Tcp(a, t16, 0);
            made[0] = first;
            Env.Until(() => a.ThreadCount == 1, "the engine runs");
            long firstNetc = f0 - Free();
            f0 = Free();
            NetCtrl second = Bytes.Tcp(a, t16, 0);
            made[1] = second;
            long netc = f0 - Free();

            // Connected (to a listener that never accepts: no managed peer side), once its worker is gone.
            listener = Peers.Listener(4);
            int port = Peers.PortOf(listener);
            bool connected;
            f0 = Free();
            Assert.IsTrue(second.Connect(Peers.Ip, port, out connected));
            Env.Until(() => second.State != NetCtrlState.Connecting && a.ThreadCount == 1, "connected and the worker gone");
            Assert.AreEqual((int)NetCtrlState.Online, (int)second.State, NetError.Name(second.LastError));
            long connectedDelta = f0 - Free();

            // A connect blocked on its worker: fill the accept queue, then one more stays pending.
            NetCtrl pending = null;
            for (int i = 2; i < made.Length - 1 && pending == null; i++)
            {
                NetCtrl n = Bytes.Tcp(a, t32, 0);
                made[i] = n;
                n.Connect(Peers.Ip, port, out connected);
                Env.Until(() => n.State != NetCtrlState.Connecting || a.ThreadCount > 1, "connected or blocked");
                Thread.Sleep(200);
                if (n.State == NetCtrlState.Connecting)
                {
                    pending = n;
                }
            }

            Assert.IsNotNull(pending, "no connect stayed pending");
            pending.Close();
            Env.Until(() => a.ThreadCount == 1, "the worker ended");
            NetCtrl blocked = Bytes.Tcp(a, t32, 0);
            made[made.Length - 1] = blocked;
            f0 = Free();
            blocked.Connect(Peers.Ip, port, out connected);
            Env.Until(() => a.ThreadCount == 2, "the worker runs");
            Thread.Sleep(200);
            Assert.AreEqual((int)NetCtrlState.Connecting, (int)blocked.State, "the connect is pending");
            long fA = Free();
            long blockedDelta = f0 - fA;
            blocked.Close();
            Env.Until(() => a.ThreadCount == 1, "the worker ended");
            long freedByEnd = Free() - fA;

            if (print)
            {
                int ring = NetCtrl.DefaultBufferSize;
                // A mailbox slot holds two ints (raw in an int[], same size everywhere) and two references.
                Report("a task waiting in WaitMsg, mailbox 16 (TaskContext, Mailbox, thread and its frames)", task16, 16 * 2 * 4);
                Report("16 more mailbox slots (task with 32 minus task with 16)", task32 - task16, 16 * 2 * 4);
                Report("SocketAdapter object", adapter, 0);
                Report("its engine thread (first netc minus second netc)", firstNetc - netc, 0);
                Report("adapter + engine thread", adapter + firstNetc - netc, 0);
                Report("a netc, Create + default Config (2 x " + ring + " B rings), not connected", netc, 2 * ring);
                Report("connecting it (socket, transport, end points), after the worker ended", connectedDelta, 0);
                Report("a connected default netc", netc + connectedDelta, 2 * ring);
                Report("a connect under way (netc's socket + transport + the worker thread)", blockedDelta, 0);
                Report("a connect worker thread (connect under way minus connected)", blockedDelta - connectedDelta, 0);
                Report("freed when that pending connect was closed (check of the line above but one)", freedByEnd, 0);
            }
        }
    }
}
