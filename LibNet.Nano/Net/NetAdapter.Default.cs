namespace NanoLibNet
{
    // Makes NetAdapter.Default a SocketAdapter in builds that have System.Net. (A // comment: the
    // public summary of NetAdapter is the one in Socket/NetAdapter.cs.)
    public abstract partial class NetAdapter
    {
        static partial void CreateDefault(ref NetAdapter adapter)
        {
            adapter = new SocketAdapter();
        }
    }
}
