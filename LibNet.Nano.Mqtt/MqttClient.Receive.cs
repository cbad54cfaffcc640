using System;

namespace NanoLibNet.Mqtt
{
    // The receive side: one loop (Pump) that every call waiting for the broker runs. It reads the
    // netc into the receive buffer, takes the packets there (PUBACK, SUBACK, UNSUBACK, PINGRESP,
    // CONNACK) until the one the call waits for comes, keeps incoming PUBLISH packets in the
    // buffer for Loop, sends PINGREQ when due, and waits on the netc (LibNet.Wait) in slices no
    // longer than the next keepalive action.
    //
    // Buffer layout: [_rxHead, _rxScan) complete PUBLISH packets kept for Loop (the first may be
    // the message handed out last, _handedLength long), [_rxScan, _rxTail) bytes not parsed yet.
    public sealed partial class MqttClient
    {
        private const int Found = 0;
        private const int TimedOut = 1;
        private const int Failed = 2;
        private const int Woken = 3;
        private const int NeedMore = 4;

        private const int WantConnAck = 1;
        private const int WantPubAck = 2;
        private const int WantSubAck = 3;
        private const int WantUnsubAck = 4;
        private const int WantMessage = 5;
        private const int WantAnyAck = 6;

        /// <summary>Deadline for sending a PUBACK or PINGREQ of its own accord (milliseconds).</summary>
        private const int ControlTimeoutMs = 5000;

        private int _rxHead;
        private int _rxScan;
        private int _rxTail;
        private int _handedLength;
        private int _messageId;

        private int[] _subCodes;
        private int _subCount;
        private bool _subRefused;

        // A PUBLISH larger than the receive buffer, being read past.
        private int _skipLeft;
        private int _skipPos;
        private int _skipIdAt;
        private int _skipId;
        private int _skipAckDue;

        private int Pump(long deadline, int want, int id)
        {
            while (true)
            {
                int r = ParseBuffered(want, id);
                if (r != NeedMore)
                {
                    return r;
                }

                if (_skipAckDue != 0)
                {
                    int pid = _skipAckDue;
                    _skipAckDue = 0;
                    if (!SendPubAck(pid, deadline))
                    {
                        return Failed;
                    }
                }

                int n = ReadMore();
                if (n < 0)
                {
                    return Fail(MqttError.Network);
                }

                if (n > 0)
                {
                    continue;
                }

                if (!Keepalive())
                {
                    return Failed;
                }

                int ms = _clock.MsLeft(deadline);
                if (ms == 0)
                {
                    return TimedOut;
                }

                int ka = KeepaliveDueMs();
                if (ka >= 0 && (ms < 0 || ka < ms))
                {
                    ms = ka < 1 ? 1 : ka;
                }

                bool woken = false;
                if (_rxTail == _rx.Length && _rxHead == 0)
                {
                    // Full of kept messages: nothing can be read until Loop hands them out. Sleep
                    // on the mailbox, where only a forced exit can end the wait early.
                    TaskMessage msg;
                    woken = SysPlus.WaitMsg(_task, SocketEvent.Event, ms, out msg) && msg.Source == null;
                }
                else
                {
                    bool ev;
                    if (!LibNet.Wait(_task, ms, _net, out ev))
                    {
                        return Fail(MqttError.Network);
                    }

                    if (ev)
                    {
                        n = ReadMore();
                        if (n < 0)
                        {
                            return Fail(MqttError.Network);
                        }

                        // An event without data: the forced exit (SysPlus.SendMsg to the task).
                        woken = n == 0;
                    }
                }

                if (woken)
                {
                    if (want == WantMessage)
                    {
                        return Woken;
                    }

                    _wakePending = true;
                }
            }
        }

        /// <summary>Reads what the netc has into the buffer: bytes read, 0 for none, -1 when the connection is gone.</summary>
        private int ReadMore()
        {
            if (_rxHead > 0 && (_rxTail == _rx.Length || _rxHead == _rxTail))
            {
                Compact();
            }

            int free = _rx.Length - _rxTail;
            if (free == 0)
            {
                return 0;
            }

            int read;
            if (!_net.Rx(_rx, _rxTail, free, out read))
            {
                return -1;
            }

            if (read == 0)
            {
                return 0;
            }

            _lastRx = _clock.Now;
            if (_skipLeft > 0)
            {
                int used = Skip(_rxTail, read);
                Array.Copy(_rx, _rxTail + used, _rx, _rxTail, read - used);
                _rxTail += read - used;
            }
            else
            {
                _rxTail += read;
            }

            return read;
        }

        /// <summary>Takes the complete packets after <c>_rxScan</c>: Found / Failed, or NeedMore.</summary>
        private int ParseBuffered(int want, int id)
        {
            while (true)
            {
                if (_skipLeft > 0)
                {
                    if (_rxTail == _rxScan)
                    {
                        return NeedMore;
                    }

                    int used = Skip(_rxScan, _rxTail - _rxScan);
                    Array.Copy(_rx, _rxScan + used, _rx, _rxScan, _rxTail - _rxScan - used);
                    _rxTail -= used;
                    continue;
                }

                int vlen;
                int rem;
                int h = Header(_rxScan, _rxTail, out vlen, out rem);
                if (h < 0)
                {
                    return Fail(MqttError.ProtocolError);
                }

                if (h == 0)
                {
                    if (_rxScan + 5 > _rx.Length)
                    {
                        Compact();
                    }

                    return NeedMore;
                }

                int at = _rxScan;
                int type = _rx[at] >> 4;
                int flags = _rx[at] & 0x0F;
                int total = 1 + vlen + rem;
                if (total > _rx.Length)
                {
                    if (type != MqttPacketType.Publish)
                    {
                        return Fail(MqttError.ProtocolError);
                    }

                    if (_rxTail - at < 1 + vlen + 2)
                    {
                        return NeedMore;
                    }

                    int topicLength = (_rx[at + 1 + vlen] << 8) | _rx[at + 2 + vlen];
                    _skipLeft = total;
                    _skipPos = 0;
                    _skipId = 0;
                    _skipIdAt = ((flags >> 1) & 3) > 0 ? 1 + vlen + 2 + topicLength : -1;
                    continue;
                }

                if (at + total > _rxTail)
                {
                    if (at + total > _rx.Length)
                    {
                        Compact();
                    }

                    return NeedMore;
                }

                int body = at + 1 + vlen;
                switch (type)
                {
                    case MqttPacketType.Publish:
                        if (!ValidPublish(at, vlen, rem))
                        {
                            return Fail(MqttError.ProtocolError);
                        }

                        if (want == WantMessage && at == _rxHead)
                        {
                            HandOut(at);
                            _rxScan = at + total;
                            return Found;
                        }

                        _rxScan = at + total;
                        continue;

                    case MqttPacketType.PubAck:
                    {
                        if (rem != 2)
                        {
                            return Fail(MqttError.ProtocolError);
                        }

                        int pid = (_rx[body] << 8) | _rx[body + 1];
                        Remove(at, total);
                        _out.Ack(pid);

                        if ((want == WantPubAck && pid == id) || want == WantAnyAck)
                        {
                            return Found;
                        }

                        continue;
                    }

                    case MqttPacketType.SubAck:
                    {
                        if (rem < 3)
                        {
                            return Fail(MqttError.ProtocolError);
                        }

                        int pid = (_rx[body] << 8) | _rx[body + 1];
                        if (want == WantSubAck && pid == id)
                        {
                            if (rem - 2 != _subCount)
                            {
                                return Fail(MqttError.ProtocolError);
                            }

                            for (int i = 0; i < _subCount; i++)
                            {
                                int code = _rx[body + 2 + i];
                                if (code == MqttQos.Failure)
                                {
                                    _subRefused = true;
                                }

                                if (_subCodes != null)
                                {
                                    _subCodes[i] = code;
                                }
                            }

                            Remove(at, total);
                            return Found;
                        }

                        Remove(at, total);
                        continue;
                    }

                    case MqttPacketType.UnsubAck:
                    {
                        if (rem != 2)
                        {
                            return Fail(MqttError.ProtocolError);
                        }

                        int pid = (_rx[body] << 8) | _rx[body + 1];
                        Remove(at, total);
                        if (want == WantUnsubAck && pid == id)
                        {
                            return Found;
                        }

                        continue;
                    }

                    case MqttPacketType.PingResp:
                        if (rem != 0)
                        {
                            return Fail(MqttError.ProtocolError);
                        }

                        _pingSent = 0;
                        Remove(at, total);
                        continue;

                    case MqttPacketType.ConnAck:
                        if (want != WantConnAck || rem != 2)
                        {
                            return Fail(MqttError.ProtocolError);
                        }

                        _sessionPresent = (_rx[body] & 1) != 0;
                        _connectReturnCode = _rx[body + 1];
                        Remove(at, total);
                        return Found;

                    default:
                        // PUBREC/PUBREL/PUBCOMP (QoS 2, never asked for) or packets only a client sends.
                        return Fail(MqttError.ProtocolError);
                }
            }
        }

        /// <summary>The fixed header at <paramref name="at"/>: 1 when complete (remaining length known), 0 when more bytes are needed, -1 when malformed.</summary>
        private int Header(int at, int end, out int vlen, out int rem)
        {
            vlen = 0;
            rem = 0;
            int mul = 1;
            int i = at + 1;
            while (true)
            {
                if (i >= end)
                {
                    return 0;
                }

                int b = _rx[i++];
                vlen++;
                rem += (b & 0x7F) * mul;
                if ((b & 0x80) == 0)
                {
                    return 1;
                }

                if (vlen == 4)
                {
                    return -1;
                }

                mul *= 128;
            }
        }

        private bool ValidPublish(int at, int vlen, int rem)
        {
            int qos = (_rx[at] >> 1) & 3;
            if (qos > 1 || rem < 2)
            {
                // QoS 2 was never subscribed for (MQTT 3.1.1 brokers downgrade), and 3 is malformed.
                return false;
            }

            int body = at + 1 + vlen;
            int topicLength = (_rx[body] << 8) | _rx[body + 1];
            return topicLength > 0 && 2 + topicLength + (qos > 0 ? 2 : 0) <= rem;
        }

        /// <summary>Makes the complete PUBLISH at <paramref name="at"/> the message handed out.</summary>
        private void HandOut(int at)
        {
            int vlen;
            int rem;
            Header(at, _rxTail, out vlen, out rem);
            int b0 = _rx[at];
            int body = at + 1 + vlen;
            _messageQos = (b0 >> 1) & 3;
            _messageRetain = (b0 & 1) != 0;
            _messageDup = (b0 & 8) != 0;
            _topicLength = (_rx[body] << 8) | _rx[body + 1];
            _topicOffset = body + 2;
            int p = _topicOffset + _topicLength;
            _messageId = 0;
            if (_messageQos > 0)
            {
                _messageId = (_rx[p] << 8) | _rx[p + 1];
                p += 2;
            }

            _payloadOffset = p;
            _payloadLength = at + 1 + vlen + rem - p;
            _handedLength = 1 + vlen + rem;
        }

        /// <summary>The message handed out by the previous call is no longer needed.</summary>
        private void ReleaseMessage()
        {
            if (_handedLength == 0)
            {
                return;
            }

            _rxHead += _handedLength;
            _handedLength = 0;
            if (_rxScan < _rxHead)
            {
                _rxScan = _rxHead;
            }

            if (_rxHead == _rxTail)
            {
                _rxHead = _rxScan = _rxTail = 0;
            }
        }

        /// <summary>Removes a packet that has been taken (it sits at <c>_rxScan</c>, maybe behind kept messages).</summary>
        private void Remove(int at, int total)
        {
            if (at == _rxHead)
            {
                _rxHead += total;
                _rxScan = _rxHead;
            }
            else
            {
                Array.Copy(_rx, at + total, _rx, at, _rxTail - at - total);
                _rxTail -= total;
            }

            if (_rxHead == _rxTail)
            {
                _rxHead = _rxScan = _rxTail = 0;
            }
        }

        /// <summary>Moves what is kept to the start of the buffer (never while a message is handed out).</summary>
        private void Compact()
        {
            if (_rxHead == 0 || _handedLength != 0)
            {
                return;
            }

            Array.Copy(_rx, _rxHead, _rx, 0, _rxTail - _rxHead);
            _rxScan -= _rxHead;
            _rxTail -= _rxHead;
            _rxHead = 0;
        }

        /// <summary>Reads past part of an oversize PUBLISH (noting its packet id); returns the bytes used.</summary>
        private int Skip(int at, int count)
        {
            int take = count < _skipLeft ? count : _skipLeft;
            if (_skipIdAt >= 0)
            {
                for (int k = 0; k < 2; k++)
                {
                    int p = _skipIdAt + k;
                    if (p >= _skipPos && p < _skipPos + take)
                    {
                        int b = _rx[at + p - _skipPos];
                        _skipId = k == 0 ? (b << 8) | (_skipId & 0xFF) : (_skipId & 0xFF00) | b;
                    }
                }
            }

            _skipPos += take;
            _skipLeft -= take;
            if (_skipLeft == 0)
            {
                _messagesDropped++;
                if (_skipIdAt >= 0 && _skipId != 0)
                {
                    _skipAckDue = _skipId;
                }
            }

            return take;
        }

        private void ResetReceive()
        {
            _rxHead = _rxScan = _rxTail = 0;
            _handedLength = 0;
            _skipLeft = 0;
            _skipAckDue = 0;
        }

        /// <summary>Sends PINGREQ when due; closes the connection when a PINGRESP is overdue. False when it failed.</summary>
        private bool Keepalive()
        {
            long due = KeepaliveDue();
            if (due == long.MaxValue)
            {
                return true;
            }

            long now = _clock.Now;
            if (_pingSent != 0)
            {
                // With the buffer full of kept messages the PINGRESP may be unread behind them.
                if (now >= due && _rxTail < _rx.Length)
                {
                    Fail(MqttError.PingTimeout);
                    return false;
                }

                return true;
            }

            if (now >= due)
            {
                _ctl[0] = (byte)(MqttPacketType.PingReq << 4);
                _ctl[1] = 0;
                if (Send(_ctl, 0, 2, _clock.DeadlineAfter(ControlTimeoutMs), false) != SendOk)
                {
                    return false;
                }

                _pingSent = _clock.Now;
                _pingsSent++;
            }

            return true;
        }

        /// <summary>Milliseconds until <see cref="Keepalive"/> has something to do; -1 when never.</summary>
        private int KeepaliveDueMs()
        {
            long due = KeepaliveDue();
            if (due == long.MaxValue)
            {
                return -1;
            }

            long ms = (due - _clock.Now + MqttClock.TicksPerMs - 1) / MqttClock.TicksPerMs;
            return ms <= 0 ? 0 : (ms > int.MaxValue ? int.MaxValue : (int)ms);
        }

        /// <summary>
        /// When <see cref="Keepalive"/> has something to do (clock ticks): with a PINGREQ outstanding
        /// the PINGRESP is overdue then, else a PINGREQ is due (the older of the last send and the
        /// last receive, plus <see cref="PingAfterTicks"/>). long.MaxValue when keepalive is off.
        /// </summary>
        private long KeepaliveDue()
        {
            if (!_connected || _keepAlive == 0)
            {
                return long.MaxValue;
            }

            return _pingSent != 0 ? _pingSent + PingTimeoutTicks : (_lastTx < _lastRx ? _lastTx : _lastRx) + PingAfterTicks;
        }

        /// <summary>A PINGREQ goes out after 3/4 of the keepalive without traffic either way.</summary>
        private long PingAfterTicks { get { return _keepAlive * 7500L * MqttClock.TicksPerMs / 10; } }

        /// <summary>A PINGRESP is overdue after half the keepalive: a silent broker is found within 1.25 × keepalive.</summary>
        private long PingTimeoutTicks { get { return _keepAlive * 500L * MqttClock.TicksPerMs; } }

        /// <summary>The connection is lost: records why, closes the netc. Returns Failed.</summary>
        private int Fail(int error)
        {
            _lastError = error;
            _connected = false;
            _pingSent = 0;
            CloseNet();
            return Failed;
        }

        private bool NetActive()
        {
            NetCtrlState s = _net.State;
            return s == NetCtrlState.Connecting || s == NetCtrlState.Online || s == NetCtrlState.Closing;
        }

        /// <summary>
        /// Closes the netc at once and drops the events its connection left in the task's mailbox:
        /// <see cref="NetCtrl.Close"/> alone leaves them, and a stale Event or TxOk carrying the old
        /// connection's error would end a call on the next connection. <see cref="LibNet.Close"/>
        /// on a netc already closed does exactly that purge without waiting.
        /// </summary>
        private void CloseNet()
        {
            NetCtrlState s = _net.State;
            if (s == NetCtrlState.Released || s == NetCtrlState.Idle)
            {
                return;
            }

            _net.Close();
            LibNet.Close(_task, 1, _net);
        }
    }
}
