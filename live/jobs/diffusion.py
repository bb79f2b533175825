"""A Stable Diffusion job for machines with an NVIDIA GPU.

live/executor.yaml runs it as the `gpu_argv` of `image_grid` (four images in a 2x2 grid) and
`variation` (one image) where `nvidia-smi -L` lists a GPU; elsewhere those job types run the sharp
stand-in (live/jobs/image-job.ts). GPU time is then billed from nvidia-smi's accounting of this
process. The seed comes from the job id, so a job's image can be made again.

Needs: pip install torch diffusers transformers accelerate (CUDA build of torch). The model
(--model, default stabilityai/sd-turbo, a one-step distilled model) is fetched from the Hugging
Face hub on first use and cached there after.

Params (as the API's `params`, letters, digits and _ . : - only): `prompt` with underscores for
spaces, `width` in pixels (a multiple of 8 is used, 64 to 1024).

Exit codes: 0 the PNG is written to --out, 2 bad arguments, 3 missing dependencies or no CUDA
device (the job fails and is not billed).
"""

import argparse
import hashlib
import sys


def seed_of(job_id: str) -> int:
    """A 63-bit seed from the job id, the same on every machine."""
    return int.from_bytes(hashlib.sha256(job_id.encode("utf-8")).digest()[:8], "big") >> 1


def main() -> int:
    parser = argparse.ArgumentParser(description="Render a job's image with Stable Diffusion on a CUDA GPU.")
    parser.add_argument("--out", required=True, help="the PNG file to write")
    parser.add_argument("--seed", required=True, help="the job id, hashed into the seed")
    parser.add_argument("--prompt", default="a_lighthouse_on_a_cliff_at_dusk", help="the prompt, underscores for spaces")
    parser.add_argument("--width", type=int, default=512, help="width and height in pixels")
    parser.add_argument("--grid", action="store_true", help="four images in a 2x2 grid")
    parser.add_argument("--steps", type=int, default=1, help="inference steps (sd-turbo: 1 to 4)")
    parser.add_argument("--model", default="stabilityai/sd-turbo", help="a text-to-image model on the Hugging Face hub")
    args = parser.parse_args()

    try:
        import torch
        from diffusers import AutoPipelineForText2Image
        from PIL import Image
    except ImportError as error:
        print(f"diffusion job: {error.name} is not installed (pip install torch diffusers transformers accelerate)", file=sys.stderr)
        return 3
    if not torch.cuda.is_available():
        print("diffusion job: no CUDA device (this command is the gpu_argv for machines with an NVIDIA GPU)", file=sys.stderr)
        return 3

    size = max(64, min(1024, args.width // 8 * 8))
    count = 4 if args.grid else 1
    pipeline = AutoPipelineForText2Image.from_pretrained(args.model, torch_dtype=torch.float16).to("cuda")
    images = pipeline(
        prompt=args.prompt.replace("_", " "),
        num_inference_steps=max(1, args.steps),
        guidance_scale=0.0,
        num_images_per_prompt=count,
        width=size,
        height=size,
        generator=torch.Generator("cuda").manual_seed(seed_of(args.seed)),
    ).images
    if args.grid:
        grid = Image.new("RGB", (size * 2, size * 2))
        for index, image in enumerate(images):
            grid.paste(image, ((index % 2) * size, (index // 2) * size))
        grid.save(args.out, format="PNG")
    else:
        images[0].save(args.out, format="PNG")
    return 0


if __name__ == "__main__":
    sys.exit(main())
