using System;
using System.Collections.Generic;
using System.Linq;
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
        /// the sticky state, or pauses. Afterwards, per raise and per kind: every posted event was
        /// taken exactly once from the mailbox, a coalesced one never was, the sticky state gave
        /// back only refused events of its own kind, and the last refusal of each kind was
        /// recovered from it.
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
            // What the owner got: (kind, status) from its mailbox, and from the sticky state.
            var fromMailbox = new List<(int Kind, int Status)>();
            var fromSticky = new List<(int Kind, int Status)>();
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
                                fromMailbox.Add((Array.IndexOf(Kinds, m.Id), m.Param));
                            }
                        }
                        else if (step < 9)
                        {
                            int k = step - 6 + 2;
                            if (netc.TakeMissed(Kinds[k], out int status))
                            {
                                fromSticky.Add((k, status));
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
                    fromMailbox.Add((Array.IndexOf(Kinds, rest.Id), rest.Param));
                }

                for (int k = 0; k < 5; k++)
                {
                    if (netc.TakeMissed(Kinds[k], out int status))
                    {
                        fromSticky.Add((k, status));
                    }
                }
            }, capacity: capacity);

            // The raiser: each raise is posted, coalesced into the one queued, or refused (the
            // mailbox is full); which one is read off the netc's counters around it.
            Assert.True(created.Wait(Bound));
            var posted = new Dictionary<int, int>();
            var coalesced = new HashSet<int>();
            var refused = new Dictionary<int, int>();
            var lastRefused = new int[5];
            int seq = 1;
            foreach (int k in raises)
            {
                int p0 = netc.EventsPosted, c0 = netc.EventsCoalesced, r0 = netc.EventsRefused;
                int status = seq++;
                netc.Raise(Kinds[k], status);
                int dp = netc.EventsPosted - p0, dc = netc.EventsCoalesced - c0, dr = netc.EventsRefused - r0;
                Assert.True(dp + dc + dr == 1 && dp >= 0 && dc >= 0 && dr >= 0, "raise " + status + " counted " + dp + "/" + dc + "/" + dr);
                if (dp == 1)
                {
                    posted[status] = k;
                }
                else if (dc == 1)
                {
                    coalesced.Add(status);
                }
                else
                {
                    refused[status] = k;
                    lastRefused[k] = status;
                }
            }

            raised.Set();
            JoinAll();

            // Every posted event was taken once, with its kind; no coalesced or refused one came through the mailbox.
            Assert.Equal(fromMailbox.Count, new HashSet<int>(fromMailbox.Select(x => x.Status)).Count);
            Assert.Equal(posted.Count, fromMailbox.Count);
            foreach ((int kind, int status) in fromMailbox)
            {
                Assert.True(posted.TryGetValue(status, out int k) && k == kind, "the mailbox gave " + status + " (kind " + kind + "), which was not posted as that kind");
            }

            // The sticky state gave back only refused events, each of its own kind, each once...
            Assert.Equal(fromSticky.Count, new HashSet<int>(fromSticky.Select(x => x.Status)).Count);
            foreach ((int kind, int status) in fromSticky)
            {
                Assert.False(coalesced.Contains(status), "coalesced event " + status + " came back");
                Assert.True(refused.TryGetValue(status, out int k) && k == kind, "the sticky state gave " + status + " for kind " + kind + ", which was not refused as that kind");
            }

            // ...and, per kind, the last refusal: it is the last thing the sticky state gave for it.
            for (int k = 0; k < 5; k++)
            {
                if (lastRefused[k] != 0)
                {
                    int got = fromSticky.Where(x => x.Kind == k).Select(x => x.Status).LastOrDefault();
                    Assert.True(got == lastRefused[k], "kind " + Kinds[k] + ": last refused status " + lastRefused[k] + ", recovered " + got);
                }
            }
        }
    }
}
