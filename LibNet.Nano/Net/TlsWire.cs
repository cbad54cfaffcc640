#if !NANOFRAMEWORK_1_0
using System;
using System.IO;
using System.Net.Sockets;

namespace NanoLibNet
{
    /// <summary>
    /// Desktop .NET only: the stream <c>SslStream</c> runs on, over the blocking socket. It never
    /// hands over bytes past the end of the current TLS record (it reads the 5-byte header, then
    /// exactly the record's length). So after <c>SslStream</c> decrypted a record, every further
    /// byte is still in the socket, where the engine's <c>Select</c> sees it; otherwise a second
    /// record read along with the first would sit unseen inside <c>SslStream</c> until more
    /// data came. (nanoFramework's <c>SslStream</c> reports such bytes itself: DataAvailable.)
    /// </summary>
    internal sealed class TlsWire : Stream
    {
        private const int HeaderLength = 5;

        private readonly Socket _socket;
        private readonly byte[] _header = new byte[HeaderLength];
        private int _headerCount;
        private int _recordLeft;

        internal TlsWire(Socket socket)
        {
            _socket = socket;
        }

        public override bool CanRead { get { return true; } }

        public override bool CanSeek { get { return false; } }

        public override bool CanWrite { get { return true; } }

        public override long Length { get { throw new NotSupportedException(); } }

        public override long Position
        {
            get { throw new NotSupportedException(); }
            set { throw new NotSupportedException(); }
        }

        public override int Read(byte[] buffer, int offset, int count)
        {
            return Read(new Span<byte>(buffer, offset, count));
        }

        public override int Read(Span<byte> buffer)
        {
            if (buffer.Length == 0)
            {
                return 0;
            }

            if (_recordLeft > 0)
            {
                int n = _socket.Receive(buffer.Slice(0, Math.Min(buffer.Length, _recordLeft)), SocketFlags.None);
                _recordLeft -= n;
                return n;
            }

            int want = Math.Min(buffer.Length, HeaderLength - _headerCount);
            int got = _socket.Receive(buffer.Slice(0, want), SocketFlags.None);
            buffer.Slice(0, got).CopyTo(new Span<byte>(_header, _headerCount, got));
            _headerCount += got;
            if (_headerCount == HeaderLength)
            {
                _recordLeft = (_header[3] << 8) | _header[4];
                _headerCount = 0;
            }

            return got;
        }

        public override void Write(byte[] buffer, int offset, int count)
        {
            Write(new ReadOnlySpan<byte>(buffer, offset, count));
        }

        public override void Write(ReadOnlySpan<byte> buffer)
        {
            while (buffer.Length > 0)
            {
                int n = _socket.Send(buffer, SocketFlags.None);
                buffer = buffer.Slice(n);
            }
        }

        public override void Flush()
        {
        }

        public override long Seek(long offset, SeekOrigin origin)
        {
            throw new NotSupportedException();
        }

        public override void SetLength(long value)
        {
            throw new NotSupportedException();
        }
    }
}
#endif
