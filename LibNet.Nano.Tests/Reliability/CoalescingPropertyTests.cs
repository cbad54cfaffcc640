using System;
using System.Collections.Generic;
using System.Threading;
using CsCheck;
using NanoLibNet;
using Xunit;

namespace NanoLibNet.Tests.Reliability
{
    /// <summary>
    /// Randomized schedules (CsCheck) for the mailbox and the per-netc event coalescing: for any
    /// interleaving of posts, takes, purges, waits and timeouts, no message is duplicated and
    /// every message is delivered, still queued, or counted (refused, coalesced, purged).
    /// </summary>
    public class CoalescingPropertyTests : SimTest
    {
        private static readonly int[] Kinds = { SocketEvent.Link, SocketEvent.OnLine, SocketEvent.TxOk, SocketEvent.Event, SocketEvent.Closed };

        /// <summary>Single-threaded: the mailbox against a list model, operation by operation.</summary>
        [Fact]
        public void MailboxMatchesAFifoModel()
        {
            // op: 0-5 post (id = op % 3), 6-8 take, 9 purge id (op arg % 3).
            Gen.Select(Gen.Int[1, 8], Gen.Int[0, 9].Array[0, 200]).Sample((capacity, ops) =>
            {
                Mailbox box = new Mailbox(capacity);
                var model = new List<(int Id, int Seq)>();
                int seq = 0;
                int refused = 0;
                int purged = 0;
                var taken = new HashSet<int>();
                foreach (int op in ops)
                {
                    if (op <= 5)
                    {
                        int id = op % 3;
                        bool ok = box.Post(id, seq, null, null);
                        Assert.Equal(model.Count < capacity, ok);
                        if (ok)
                        {
                            model.Add((id, seq));
                        }
                        else
                        {
                            refused++;
                        }

                        seq++;
                    }
                    else if (op <= 8)
                    {
                        bool ok = box.TryTake(out TaskMessage m);
                        Assert.Equal(model.Count > 0, ok);
                        if (ok)
                        {
                            Assert.Equal(model[0].Id, m.Id);
                            Assert.Equal(model[0].Seq, m.Param);
                            Assert.True(taken.Add(m.Param), "message " + m.Param + " delivered twice");
                            model.RemoveAt(0);
                        }
                    }
                    else
                    {
                        int id = seq % 3;
                        int n = box.Purge(id, null);
                        Assert.Equal(model.RemoveAll(x => x.Id == id), n);
                        purged += n;
                    }

                    Assert.Equal(model.Count, box.Count);
                }

                Assert.Equal(refused, box.Refused);
                Assert.Equal(seq, taken.Count + purged + box.Count + refused);
            }, iter: 2000, threads: 1);
        }

        /// <summary>
        /// Two threads: the engine side raises events on a netc (each with a unique status) while
        /// the owner task takes them with waits of random short timeouts, takes refused ones from
        /// the sticky state, or pauses. Afterwards every raise is accounted for exactly once.
        /// </summary>
        [Fact]
        public void CoalescedEventsAreNeverDuplicatedNorLostUncounted()
        {
            Gen.Select(Gen.Int[1, 6], Gen.Int[0, 4].Array[1, 60], Gen.Int[0, 9].Array[1, 60]).Sample((capacity, raises, steps) =>
            {
                RunSchedule(capacity, raises, steps);
            }, iter: 150, threads: 1);
        }

        private void RunSchedule(int capacity, int[] raises, int[] steps)
        {
            var seen = new List<int>();
            var missedTaken = new int[5];
            NetCtrl netc = null;
            using var created = new ManualResetEventSlim();
            using var raised = new ManualResetEventSlim();
            string owner = StartTask(UniqueName("prop"), me =>
            {
                netc = NetCtrl.Create(Sim, me);
                created.Set();
                int s = 0;
                bool done = false;
                while (!done)
                {
                    // Runs the schedule until the raiser has finished and one whole pass came after.
                    bool last = raised.IsSet;
                    for (int i = 0; i < steps.Length; i++)
                    {
                        int step = steps[s++ % steps.Length];
                        if (step < 6)
                        {
                            // A wait with a short timeout (1-3 ms), any id.
                            if (SysPlus.WaitMsg(me, 1 + step % 3, out TaskMessage m))
                            {
                                Assert.Same(netc, m.Source);
                                seen.Add(m.Param);
                            }
                        }
                        else if (step < 9)
                        {
                            int k = step - 6 + 2;
                            if (netc.TakeMissed(Kinds[k], out int status))
                            {
                                missedTaken[k]++;
                                seen.Add(status);
                            }
                        }
                        else
                        {
                            Thread.Yield();
                        }
                    }

                    done = last;
                }

                while (SysPlus.WaitMsg(me, 1, out TaskMessage rest))
                {
                    seen.Add(rest.Param);
                }

                for (int k = 0; k < 5; k++)
                {
                    if (netc.TakeMissed(Kinds[k], out int status))
                    {
                        missedTaken[k]++;
                        seen.Add(status);
                    }
                }
            }, capacity: capacity);

            Assert.True(created.Wait(Bound));
            int seq = 1;
            foreach (int k in raises)
            {
                netc.Raise(Kinds[k], seq++);
            }

            raised.Set();
            JoinAll();

            int total = raises.Length;
            Assert.Equal(total, netc.EventsPosted + netc.EventsCoalesced + netc.EventsRefused);
            Assert.Equal(seen.Count, new HashSet<int>(seen).Count);
            int missedSeen = 0;
            foreach (int n in missedTaken)
            {
                missedSeen += n;
            }

            // Every posted message was taken; every remembered refusal was taken from the sticky state.
            Assert.Equal(netc.EventsPosted + missedSeen, seen.Count);
            Assert.True(netc.EventsRefused == 0 || missedSeen > 0, "refused events left no trace: refused " + netc.EventsRefused);
        }
    }
}
