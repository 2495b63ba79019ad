package dev.ublks3.storage.s3;

import dev.ublks3.storage.StoreException;
import java.nio.ByteBuffer;
import java.util.concurrent.CompletableFuture;
import org.reactivestreams.Subscriber;
import org.reactivestreams.Subscription;
import software.amazon.awssdk.core.async.AsyncResponseTransformer;
import software.amazon.awssdk.core.async.SdkPublisher;
import software.amazon.awssdk.services.s3.model.GetObjectResponse;

/**
 * Copies a GET's body straight into the caller's buffer (no intermediate byte array). Completes with the number of
 * bytes copied, or fails {@link StoreException.Kind#CORRUPT} when the body is longer or shorter than asked.
 * {@link #prepare()} starts over, so the SDK may retry.
 */
final class IntoBufferTransformer implements AsyncResponseTransformer<GetObjectResponse, Integer> {

    private final String key;
    private final ByteBuffer into;
    private final int expected;
    private volatile CompletableFuture<Integer> result;
    private volatile ByteBuffer target;

    IntoBufferTransformer(String key, ByteBuffer into) {
        this.key = key;
        this.into = into;
        this.expected = into.remaining();
    }

    @Override
    public CompletableFuture<Integer> prepare() {
        target = into.duplicate();
        result = new CompletableFuture<>();
        return result;
    }

    @Override
    public void onResponse(GetObjectResponse response) {
        Long length = response.contentLength();
        if (length != null && length != expected) {
            result.completeExceptionally(corrupt("the server sent " + length + " bytes"));
        }
    }

    @Override
    public void onStream(SdkPublisher<ByteBuffer> publisher) {
        CompletableFuture<Integer> done = result;
        ByteBuffer out = target;
        publisher.subscribe(new Subscriber<ByteBuffer>() {
            private long received;

            @Override
            public void onSubscribe(Subscription subscription) {
                subscription.request(Long.MAX_VALUE);
            }

            @Override
            public void onNext(ByteBuffer chunk) {
                int n = chunk.remaining();
                received += n;
                if (n <= out.remaining()) {
                    out.put(chunk);
                }
            }

            @Override
            public void onError(Throwable error) {
                done.completeExceptionally(error);
            }

            @Override
            public void onComplete() {
                if (received != expected) {
                    done.completeExceptionally(corrupt("the body had " + received + " bytes"));
                } else {
                    done.complete((int) received);
                }
            }
        });
    }

    @Override
    public void exceptionOccurred(Throwable error) {
        CompletableFuture<Integer> done = result;
        if (done != null) {
            done.completeExceptionally(error);
        }
    }

    private StoreException corrupt(String what) {
        return new StoreException(StoreException.Kind.CORRUPT, "GET", key, 0,
                "GET " + key + " asked for " + expected + " bytes but " + what
                        + ": the object is shorter than expected or the transfer was cut", null);
    }
}
