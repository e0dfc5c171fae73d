package dev.multikernel.host.mkctl;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

class BlobTest {
    @Test
    void operationsWithBlobsCompareByContentAndNeverShareTheArray() {
        byte[] bytes = {1, 2, 3};
        MkctlOperation.OverlayApply a = new MkctlOperation.OverlayApply(bytes);
        bytes[0] = 9;
        assertThat(a).isEqualTo(new MkctlOperation.OverlayApply(new byte[] {1, 2, 3}));
        assertThat(a.hashCode()).isEqualTo(new MkctlOperation.OverlayApply(new byte[] {1, 2, 3}).hashCode());
        assertThat(a).isNotEqualTo(new MkctlOperation.OverlayApply(new byte[] {1, 2}));
        a.blob().orElseThrow()[0] = 7;
        assertThat(a.dtbo().bytes()).containsExactly(1, 2, 3);
        assertThat(a.toString()).contains("3 bytes").doesNotContain("[B@");
        assertThat(new MkctlOperation.V2Create(new byte[] {1}, List.of("web")))
                .isEqualTo(new MkctlOperation.V2Create(new byte[] {1}, List.of("web")));
        assertThat(new MkctlOperation.Baseline(new byte[] {5}).toBatchJson().get("blob"))
                .isEqualTo("BQ==");
    }

    @Test
    void anEmptyBlobIsRefusedWithWhatItWasFor() {
        assertThatThrownBy(() -> Blob.of(new byte[0], "baseline DTB")).hasMessage("baseline DTB must not be empty");
    }
}
