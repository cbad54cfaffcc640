namespace NanoLibNet.Tests.Device
{
    /// <summary>The body of a test task: runs on the task's thread with the task's own name.</summary>
    /// <param name="me">The task's name.</param>
    public delegate void TaskTest(string me);

    /// <summary>A condition a test waits for (polled, with a bound).</summary>
    public delegate bool Condition();
}
